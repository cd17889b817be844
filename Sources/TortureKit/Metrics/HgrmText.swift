import Foundation
import Histogram

/// The `.hgrm` file of a histogram — `Histogram.outputPercentileDistribution` in plain text,
/// five ticks per half distance — written from its digest: the same text, byte for byte (a test
/// holds them equal), without walking the histogram's counters again for the percentile steps,
/// the mean and the deviation.
enum HgrmText {
    static let ticksPerHalfDistance = 5

    static func render(_ digest: HistogramDigest, valueUnitScalingRatio ratio: Double) -> String {
        let digits = digest.histogram.numberOfSignificantValueDigits.rawValue
        var text = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
        let total = digest.totalCount
        if total > 0 {
            var level = 0.0
            var cumulative: UInt64 = 0
            func line(_ value: UInt64, _ percentile: Double) {
                if percentile != 100 {
                    text += String(format: "%12.\(digits)f %2.12f %10d %14.2f\n", Double(value) / ratio, percentile / 100,
                                   cumulative, 1 / (1 - percentile / 100))
                } else {
                    text += String(format: "%12.\(digits)f %2.12f %10d\n", Double(value) / ratio, percentile / 100, cumulative)
                }
            }
            // The library's `Percentiles` iterator, step for step: a counter is reported at every
            // level it reaches; the last one once more at 100 %.
            walk: for bucket in digest.buckets {
                cumulative += bucket.count
                while 100 * Double(cumulative) / Double(total) >= level {
                    line(bucket.value, level)
                    if cumulative >= total {
                        line(bucket.value, 100)
                        break walk
                    }
                    let ticks = UInt64(ticksPerHalfDistance) * UInt64(pow(2.0, Double(Int(log2(100 / (100 - level))) + 1)))
                    level += 100 / Double(ticks)
                }
            }
        }
        let mean = digest.mean / ratio
        let deviation = digest.stdDeviation / ratio
        text += String(format: "#[Mean    = %12.\(digits)f, StdDeviation   = %12.\(digits)f]\n", mean, deviation)
        text += String(format: "#[Max     = %12.\(digits)f, Total count    = %12d]\n", Double(digest.histogram.max) / ratio, total)
        text += layoutLine(of: digest.histogram)
        return text
    }

    /// The footer's "#[Buckets = …, SubBuckets = …]": the histogram's layout, which only the
    /// library knows; an empty histogram of the same settings prints it without a walk.
    private static func layoutLine(of histogram: Histogram<UInt64>) -> String {
        let empty = Histogram<UInt64>(lowestDiscernibleValue: histogram.lowestDiscernibleValue,
                                      highestTrackableValue: histogram.highestTrackableValue,
                                      numberOfSignificantValueDigits: histogram.numberOfSignificantValueDigits)
        var text = ""
        empty.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1)
        return text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.hasPrefix("#[Buckets") }.map { $0 + "\n" } ?? ""
    }
}
