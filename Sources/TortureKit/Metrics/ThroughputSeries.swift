/// Counts per time bucket, at most `capacity` buckets: when time runs past the last one, every
/// pair of buckets merges and the width doubles. A ten-second run and a ten-hour soak both end
/// with a chart-sized series, and memory never grows with time.
public struct ThroughputSeries: Sendable, Codable, Equatable {
    public private(set) var bucketWidthNanos: UInt64
    public private(set) var counts: [UInt64]
    public let capacity: Int

    public init(initialBucketWidthNanos: UInt64, capacity: Int = 120) {
        precondition(initialBucketWidthNanos > 0 && capacity >= 2 && capacity % 2 == 0, "a series needs a width and an even capacity")
        self.bucketWidthNanos = initialBucketWidthNanos
        self.capacity = capacity
        self.counts = []
    }

    /// `count` things finished `elapsedNanos` after the series' origin.
    public mutating func add(elapsedNanos: UInt64, count: UInt64 = 1) {
        while elapsedNanos / bucketWidthNanos >= UInt64(capacity) { halveResolution() }
        let bucket = Int(elapsedNanos / bucketWidthNanos)
        if counts.count <= bucket { counts += Array(repeating: 0, count: bucket + 1 - counts.count) }
        counts[bucket] += count
    }

    /// `count` things finished evenly between two times: a soak learns a run's deliveries only at
    /// its end, and piling them all on that instant would draw gaps between runs that did not exist.
    public mutating func add(fromNanos startNanos: UInt64, toNanos endNanos: UInt64, count: UInt64) {
        precondition(startNanos <= endNanos, "an interval ends after it starts")
        add(elapsedNanos: endNanos, count: 0)
        let firstBucket = Int(startNanos / bucketWidthNanos), lastBucket = Int(endNanos / bucketWidthNanos)
        guard firstBucket < lastBucket else {
            add(elapsedNanos: endNanos, count: count)
            return
        }
        var given: UInt64 = 0
        let spanNanos = Double(endNanos - startNanos)
        for bucket in firstBucket..<lastBucket {
            let overlapEndNanos = UInt64(bucket + 1) * bucketWidthNanos
            let overlapStartNanos = max(startNanos, UInt64(bucket) * bucketWidthNanos)
            let share = UInt64((Double(count) * Double(overlapEndNanos - overlapStartNanos) / spanNanos).rounded(.down))
            counts[bucket] += share
            given += share
        }
        counts[lastBucket] += count - given
    }

    public var total: UInt64 { counts.reduce(0, +) }

    /// Per second, bucket by bucket.
    public var ratesPerSecond: [Double] {
        counts.map { Double($0) * 1e9 / Double(bucketWidthNanos) }
    }

    private mutating func halveResolution() {
        var merged: [UInt64] = []
        merged.reserveCapacity(capacity)
        var index = 0
        while index < counts.count {
            merged.append(counts[index] + (index + 1 < counts.count ? counts[index + 1] : 0))
            index += 2
        }
        counts = merged
        bucketWidthNanos *= 2
    }
}

extension ThroughputSeries {
    /// A series for a run's finished deliveries, sized from its first and last event's times and
    /// about how many deliveries finished (`bucketWidthNanos`). Feed it with `addDelivery`.
    public static func deliveries(originNanos: UInt64, spanNanos: UInt64, count: Int) -> ThroughputSeries {
        ThroughputSeries(initialBucketWidthNanos: bucketWidthNanos(spanNanos: spanNanos, count: count))
    }

    /// Counts `event` if it ended a delivery (ok or fail), relative to `originNanos`.
    public mutating func addDelivery(_ event: HistoryEvent, originNanos: UInt64) {
        guard event.subject == HistoryEvent.Subject.delivery, event.kind != .invoke else { return }
        add(elapsedNanos: event.timeNanos &- originNanos)
    }

    /// Deliveries finished over a run's time, read off its history in two passes of its own (one
    /// counts them, for the bucket width).
    public static func deliveries(in history: History) -> ThroughputSeries {
        let originNanos = history.firstTimeNanos ?? 0
        let endings = history.reduce(0) { $0 + ($1.subject == HistoryEvent.Subject.delivery && $1.kind != .invoke ? 1 : 0) }
        var series = deliveries(originNanos: originNanos, spanNanos: (history.lastTimeNanos ?? originNanos) &- originNanos, count: endings)
        for event in history { series.addDelivery(event, originNanos: originNanos) }
        return series
    }

    /// Deliveries finish in bursts (a lock released, a batch of commits), so a bucket of a few
    /// milliseconds reads a burst of 90 as "30 k/s". A bucket is at least `minimumBucketNanos`, holds
    /// about `countPerBucket` deliveries on average, and there are at most `bucketTarget` of them;
    /// widths are 1-2-5 steps, so the axis reads in round numbers.
    static func bucketWidthNanos(spanNanos: UInt64, count: Int) -> UInt64 {
        let wanted = max(minimumBucketNanos, spanNanos / UInt64(bucketTarget),
                         count > 0 ? spanNanos * UInt64(countPerBucket) / UInt64(count) : 0)
        var decade: UInt64 = 1_000_000
        while true {
            for step: UInt64 in [1, 2, 5] where decade * step >= wanted { return decade * step }
            decade *= 10
        }
    }

    static let minimumBucketNanos: UInt64 = 20_000_000
    static let countPerBucket = 40
    static let bucketTarget = 60
}
