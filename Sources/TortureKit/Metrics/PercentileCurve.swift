import Foundation
public import Histogram

/// A latency histogram as HdrHistogram's percentile plot reads it: the value at percentiles that
/// close in on 100 % by halves (50, 75, 87.5, …), a few points per halving, up to the maximum.
/// Plotted against log10(1 / (1 − p)), every "nine" of the tail gets the same width, which is
/// where a latency promise is kept or broken. At most `pointLimit` points, whatever the count.
public struct PercentileCurve: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        public var percentile: Double
        public var valueMicros: Double
    }

    public var points: [Point]
    /// Values recorded: the last point, the maximum, sits at "1 in count".
    public var count: UInt64

    public static let ticksPerHalving = 4
    /// 2^(pointLimit / ticks) is far beyond any count a run or soak records.
    public static let pointLimit = 64 * ticksPerHalving

    public init(points: [Point], count: UInt64) {
        self.points = points
        self.count = count
    }

    public init(_ histogram: Histogram<UInt64>) {
        self.init(HistogramDigest(histogram))
    }

    init(_ digest: HistogramDigest) {
        count = digest.totalCount
        points = []
        guard count > 0 else { return }
        var percentiles: [Double] = []
        for tick in 0..<Self.pointLimit {
            let tail = pow(0.5, Double(tick) / Double(Self.ticksPerHalving))
            // Past "1 in count" every percentile reads the maximum: stop there.
            guard 1 / tail < Double(count) else { break }
            percentiles.append(100 * (1 - tail))
        }
        points = zip(percentiles, digest.values(atPercentiles: percentiles)).map { Point(percentile: $0, valueMicros: Double($1) / 1_000) }
        points.append(Point(percentile: 100, valueMicros: Double(digest.histogram.max) / 1_000))
    }

    /// log10(1 / (1 − p)): 0 at the median's left (0 %), 1 at 90 %, 2 at 99 %, …; 100 % is placed
    /// at "1 in count", where the histogram's resolution ends.
    public func nines(of point: Point) -> Double {
        guard point.percentile < 100 else { return log10(Double(max(count, 1))) }
        return log10(1 / (1 - point.percentile / 100))
    }
}
