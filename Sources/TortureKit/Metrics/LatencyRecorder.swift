public import Histogram

/// One processor's latency histograms: one per protocol step and one end to end (first delivery
/// of a message → processed). Each processor records into its own and they are merged at the end,
/// so recording never contends.
public struct LatencyRecorder: Sendable {
    public private(set) var steps: [Histogram<UInt64>]
    public private(set) var endToEnd: Histogram<UInt64>

    /// The same settings everywhere: `Histogram.add` traps on histograms that differ.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: highestTrackableNanos, numberOfSignificantValueDigits: .three)
    }

    /// An hour: anything slower is a hang, clamped rather than dropped.
    static let highestTrackableNanos: UInt64 = 3_600_000_000_000

    public init(stepCount: Int) {
        steps = (0..<stepCount).map { _ in Self.makeHistogram() }
        endToEnd = Self.makeHistogram()
    }

    public mutating func recordStep(_ index: Int, nanos: UInt64) {
        _ = steps[index].record(min(max(1, nanos), Self.highestTrackableNanos))
    }

    public mutating func recordEndToEnd(nanos: UInt64) {
        _ = endToEnd.record(min(max(1, nanos), Self.highestTrackableNanos))
    }

    public mutating func merge(_ other: LatencyRecorder) {
        precondition(other.steps.count == steps.count, "merging recorders of different protocols")
        for index in steps.indices { steps[index].add(other.steps[index]) }
        endToEnd.add(other.endToEnd)
    }
}

/// The figures a person reads: microseconds, units last in the names so they line up.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: UInt64
    public var minMicros: Double
    public var meanMicros: Double
    public var p50Micros: Double
    public var p75Micros: Double
    public var p90Micros: Double
    public var p95Micros: Double
    public var p99Micros: Double
    public var p999Micros: Double
    public var p9999Micros: Double
    public var maxMicros: Double

    public init(_ histogram: Histogram<UInt64>) {
        self.init(HistogramDigest(histogram))
    }

    init(_ digest: HistogramDigest) {
        let total = digest.totalCount
        func micros(_ nanos: UInt64) -> Double { total == 0 ? 0 : Double(nanos) / 1_000 }
        let values = digest.values(atPercentiles: [50, 75, 90, 95, 99, 99.9, 99.99]).map(micros)
        count = total
        minMicros = micros(digest.histogram.min)
        meanMicros = total == 0 ? 0 : digest.mean / 1_000
        (p50Micros, p75Micros, p90Micros, p95Micros) = (values[0], values[1], values[2], values[3])
        (p99Micros, p999Micros, p9999Micros) = (values[4], values[5], values[6])
        maxMicros = micros(digest.histogram.max)
    }

    /// Reports of schema version 1 had no p75, p95 or p99.99: they read as 0 (a replay never
    /// reads a recorded latency).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(UInt64.self, forKey: .count)
        minMicros = try container.decode(Double.self, forKey: .minMicros)
        meanMicros = try container.decode(Double.self, forKey: .meanMicros)
        p50Micros = try container.decode(Double.self, forKey: .p50Micros)
        p75Micros = try container.decodeIfPresent(Double.self, forKey: .p75Micros) ?? 0
        p90Micros = try container.decode(Double.self, forKey: .p90Micros)
        p95Micros = try container.decodeIfPresent(Double.self, forKey: .p95Micros) ?? 0
        p99Micros = try container.decode(Double.self, forKey: .p99Micros)
        p999Micros = try container.decode(Double.self, forKey: .p999Micros)
        p9999Micros = try container.decodeIfPresent(Double.self, forKey: .p9999Micros) ?? 0
        maxMicros = try container.decode(Double.self, forKey: .maxMicros)
    }
}
