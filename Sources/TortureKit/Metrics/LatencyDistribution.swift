public import Histogram

/// A latency histogram as a chart draws it: counts in buckets that double in width, from 1 µs up
/// to the largest value recorded. At most `bucketLimit` buckets, so the value stays small
/// whatever a soak merged into the histogram.
public struct LatencyDistribution: Sendable, Codable, Equatable {
    public struct Bucket: Sendable, Codable, Equatable {
        /// Values from `lowerMicros` (inclusive) to `upperMicros` (exclusive).
        public var lowerMicros: Double
        public var upperMicros: Double
        public var count: UInt64
    }

    public var buckets: [Bucket]

    /// 1 µs · 2^40 is 12 days: far beyond the histogram's one-hour ceiling.
    public static let bucketLimit = 40

    public init(buckets: [Bucket]) {
        self.buckets = buckets
    }

    public init(_ histogram: Histogram<UInt64>) {
        self.init(HistogramDigest(histogram))
    }

    init(_ digest: HistogramDigest) {
        let histogram = digest.histogram
        guard histogram.totalCount > 0 else {
            self.buckets = []
            return
        }
        var buckets: [Bucket] = []
        var lowerNanos: UInt64 = 0
        var upperNanos: UInt64 = 1_000
        let maxNanos = histogram.max
        while lowerNanos <= maxNanos, buckets.count < Self.bucketLimit {
            let count = digest.count(within: lowerNanos...(upperNanos - 1))
            buckets.append(Bucket(lowerMicros: Double(lowerNanos) / 1_000, upperMicros: Double(upperNanos) / 1_000, count: count))
            lowerNanos = upperNanos
            upperNanos *= 2
        }
        self.buckets = buckets
    }

    public var totalCount: UInt64 { buckets.reduce(0) { $0 + $1.count } }
}

/// The percentile table of a report: more rows than `LatencySummary`, for the HTML page.
public struct PercentileTable: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var percentile: Double
        public var valueMicros: Double
    }

    public var rows: [Row]

    public static let percentiles: [Double] = [50, 75, 90, 95, 99, 99.9, 99.99, 100]

    public init(_ histogram: Histogram<UInt64>) {
        self.init(HistogramDigest(histogram))
    }

    init(_ digest: HistogramDigest) {
        guard digest.totalCount > 0 else {
            rows = []
            return
        }
        let values = digest.values(atPercentiles: Self.percentiles)
        rows = zip(Self.percentiles, values).map { percentile, value in
            Row(percentile: percentile, valueMicros: Double(percentile == 100 ? digest.histogram.max : value) / 1_000)
        }
    }
}
