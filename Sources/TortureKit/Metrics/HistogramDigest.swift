import Histogram

/// A latency histogram's recorded values, read once: every figure a report shows (percentiles,
/// the percentile curve, the distribution's buckets, the mean, the `.hgrm` file) is then taken
/// from this short list instead of another walk over the histogram's tens of thousands of
/// counters. Each answer is the one the histogram's own method gives (`valueAtPercentile`,
/// `count(within:)`, `mean`, `outputPercentileDistribution`), and tests hold them equal; it is
/// only the walk that is shared. A signal allows two seconds, and an interrupted run in a debug
/// build spent most of its last 100 ms walking.
struct HistogramDigest {
    /// A non-empty counter: the highest value equivalent to its index, and its count, in order.
    struct Bucket {
        var value: UInt64
        var count: UInt64
    }

    let histogram: Histogram<UInt64>
    let buckets: [Bucket]
    var totalCount: UInt64 { histogram.totalCount }

    init(_ histogram: Histogram<UInt64>) {
        self.histogram = histogram
        var buckets: [Bucket] = []
        for value in histogram.recordedValues() {
            buckets.append(Bucket(value: value.value, count: value.count))
        }
        self.buckets = buckets
    }

    /// `Histogram.valueAtPercentile` for each percentile, in one pass when they come in order.
    func values(atPercentiles percentiles: [Double]) -> [UInt64] {
        var answers: [UInt64] = []
        answers.reserveCapacity(percentiles.count)
        var index = 0
        var cumulative: UInt64 = 0
        var previousTarget: UInt64 = 0
        for percentile in percentiles {
            guard percentile != 0 else { answers.append(histogram.min); continue }
            guard percentile < 100 else { answers.append(histogram.maxRecorded); continue }
            let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
            let target = Swift.max(1, UInt64(((requested * Double(totalCount)) / 100).rounded(.up)))
            if target < previousTarget { (index, cumulative) = (0, 0) }
            previousTarget = target
            // `cumulative` counts the buckets before `index`.
            while index < buckets.count, cumulative + buckets[index].count < target {
                cumulative += buckets[index].count
                index += 1
            }
            if index < buckets.count {
                answers.append(Swift.max(Swift.min(buckets[index].value, histogram.maxRecorded), histogram.min))
            } else {
                answers.append(0)
            }
        }
        return answers
    }

    /// `Histogram.count(within:)`: the counters from the one holding `lowerBound` to the one
    /// holding `upperBound`.
    func count(within range: ClosedRange<UInt64>) -> UInt64 {
        let lowest = histogram.lowestEquivalentForValue(range.lowerBound)
        let highest = histogram.highestEquivalentForValue(range.upperBound)
        var count: UInt64 = 0
        for bucket in buckets where bucket.value >= lowest && bucket.value <= highest {
            count += bucket.count
        }
        return count
    }

    /// `Histogram.mean`, summed in the same order.
    var mean: Double {
        guard totalCount > 0 else { return 0 }
        var total: Double = 0
        for bucket in buckets {
            total += Double(histogram.medianEquivalentForValue(bucket.value)) * Double(bucket.count)
        }
        return total / Double(totalCount)
    }

    /// `Histogram.stdDeviation`, summed in the same order.
    var stdDeviation: Double {
        guard totalCount > 0 else { return 0 }
        let mean = mean
        var total = 0.0
        for bucket in buckets {
            let deviation = Double(histogram.medianEquivalentForValue(bucket.value)) - mean
            total += (deviation * deviation) * Double(bucket.count)
        }
        return (total / Double(totalCount)).squareRoot()
    }
}
