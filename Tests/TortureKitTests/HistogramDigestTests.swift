import Histogram
import Testing
@testable import TortureKit

/// The digest answers what the histogram answers: every figure a report shows is compared with
/// the library's own method on histograms of many shapes, so reading the counters once changes
/// no number in any report.
@Suite("histogram digest")
struct HistogramDigestTests {
    /// Latency-like histograms: empty, a single value, a few values, a wide heavy tail, a
    /// two-humped one, values all in one counter.
    static func shapes() -> [Histogram<UInt64>] {
        var random = SeededGenerator(seed: 0x5eed)
        func histogram(_ values: [UInt64]) -> Histogram<UInt64> {
            var histogram = LatencyRecorder.makeHistogram()
            for value in values { _ = histogram.record(value) }
            return histogram
        }
        let heavyTail = (0..<20_000).map { _ -> UInt64 in
            let base = 20_000 + random.next() % 200_000
            return random.next() % 100 == 0 ? base * (1 + random.next() % 2_000) : base
        }
        let twoHumps = (0..<5_000).map { index -> UInt64 in (index % 2 == 0 ? 1_000 : 9_000_000) + random.next() % 5_000 }
        return [
            histogram([]), histogram([1]), histogram([42_000]), histogram([1, 2, 3, 1_000_000_000]),
            histogram(heavyTail), histogram(twoHumps), histogram(Array(repeating: 123_456, count: 777)),
            histogram((1...3_000).map { UInt64($0) * 997 }),
        ]
    }

    @Test func percentilesAreTheHistogramsOwn() {
        let percentiles: [Double] = [0, 0.001, 1, 25, 50, 75, 87.5, 90, 95, 99, 99.9, 99.99, 99.999, 100]
        for histogram in Self.shapes() {
            let digest = HistogramDigest(histogram)
            #expect(digest.values(atPercentiles: percentiles) == percentiles.map(histogram.valueAtPercentile), "count \(histogram.totalCount)")
            // Out of order too: the pass starts again when a percentile is lower than the last.
            #expect(digest.values(atPercentiles: [99, 50, 99.9, 1]) == [99, 50, 99.9, 1].map(histogram.valueAtPercentile))
        }
    }

    @Test func countsWithinRangesMeanAndDeviationAreTheHistogramsOwn() {
        let ranges: [ClosedRange<UInt64>] = [0...0, 0...999, 1_000...1_999, 2_048...4_095, 20_000...220_000, 1...3_600_000_000_000,
                                             9_000_000...9_004_999, 123_456...123_456, 123_457...200_000]
        for histogram in Self.shapes() {
            let digest = HistogramDigest(histogram)
            for range in ranges {
                #expect(digest.count(within: range) == histogram.count(within: range), "\(range) in count \(histogram.totalCount)")
            }
            #expect(digest.mean == histogram.mean)
            #expect(digest.stdDeviation == histogram.stdDeviation)
        }
    }

    @Test func theHgrmTextIsTheLibrarysByteForByte() {
        for histogram in Self.shapes() where histogram.totalCount > 0 {
            var library = ""
            histogram.outputPercentileDistribution(to: &library, outputValueUnitScalingRatio: 1_000)
            #expect(HgrmText.render(HistogramDigest(histogram), valueUnitScalingRatio: 1_000) == library, "count \(histogram.totalCount)")
        }
    }

    @Test func theFiguresOfAReportAreUnchanged() {
        for histogram in Self.shapes() {
            let summary = LatencySummary(histogram)
            let micros = { (nanos: UInt64) in histogram.totalCount == 0 ? 0 : Double(nanos) / 1_000 }
            #expect(summary.p50Micros == micros(histogram.valueAtPercentile(50)))
            #expect(summary.p99Micros == micros(histogram.valueAtPercentile(99)))
            #expect(summary.p9999Micros == micros(histogram.valueAtPercentile(99.99)))
            #expect(summary.meanMicros == (histogram.totalCount == 0 ? 0 : histogram.mean / 1_000))
            let curve = PercentileCurve(histogram)
            #expect(curve.points.dropLast().allSatisfy { $0.valueMicros == Double(histogram.valueAtPercentile($0.percentile)) / 1_000 })
            if histogram.totalCount == 0 {
                #expect(curve.points.isEmpty)
            } else {
                #expect(curve.points.last == PercentileCurve.Point(percentile: 100, valueMicros: Double(histogram.max) / 1_000))
            }
            let distribution = LatencyDistribution(histogram)
            #expect(distribution.totalCount == histogram.totalCount)
            for bucket in distribution.buckets {
                let range = UInt64(bucket.lowerMicros * 1_000)...(UInt64(bucket.upperMicros * 1_000) - 1)
                #expect(bucket.count == histogram.count(within: range))
            }
        }
    }
}
