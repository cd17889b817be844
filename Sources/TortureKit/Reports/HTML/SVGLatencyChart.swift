import Foundation

/// The latency histogram as bars: one bar per bucket of doubling width, heights on a log scale so
/// the tail stays visible beside the bulk, with the p50 / p99 / p99.9 marked.
enum SVGLatencyChart {
    static let width = 520.0
    static let height = 244.0

    static func render(_ distribution: LatencyDistribution, summary: LatencySummary, title: String) -> String {
        let buckets = distribution.buckets
        guard !buckets.isEmpty, let maxCount = buckets.map(\.count).max(), maxCount > 0 else {
            return "<p class=\"muted\">\(HTMLPage.escape(title)): no samples.</p>"
        }
        // The title on the first line, the percentile marks' labels on the second: side by side
        // they overlap at this width.
        let left = 52.0, right = 12.0, top = 38.0, bottom = 46.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let barWidth = plotWidth / Double(buckets.count)
        let logMax = log10(Double(maxCount) + 1)
        var svg = SVGCanvas(width: width, height: height, label: title)
        svg.text(title, x: left, y: 15, anchor: "start", weight: "600")
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#8a92a3")
        // Ticks on the bars' own scale: a bar of n is drawn at log10(n + 1), so the tick for n is too.
        for power in 0...Int(log10(Double(maxCount)).rounded(.down)) {
            let y = top + plotHeight - plotHeight * barFraction(count: pow10(power), logMax: logMax)
            svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#eceef2")
            svg.text(power < 4 ? String(Int(pow10(power))) : "1e\(power)", x: left - 6, y: y + 4, anchor: "end")
        }
        let labelEvery = buckets.count > 24 ? 4 : buckets.count > 12 ? 2 : 1
        for (index, bucket) in buckets.enumerated() {
            let x = left + Double(index) * barWidth
            let barHeight = plotHeight * barFraction(count: Double(bucket.count), logMax: logMax)
            let tip = "\(Formatting.duration(micros: bucket.lowerMicros)) – \(Formatting.duration(micros: bucket.upperMicros)): \(bucket.count)"
            svg.rect(x: x + 1, y: top + plotHeight - barHeight, width: max(1, barWidth - 2), height: barHeight, fill: "#4a78c2", tip: tip)
            if index % labelEvery == 0 {
                svg.text(Formatting.duration(micros: bucket.lowerMicros), x: x, y: top + plotHeight + 14, anchor: "middle")
            }
        }
        // Marks on the plot, labels in a row above it: three labels near the tail would overlap.
        var legendX = left + plotWidth
        for (label, micros, color) in [("p99.9", summary.p999Micros, "#c62828"), ("p99", summary.p99Micros, "#e08a00"),
                                       ("p50", summary.p50Micros, "#2e8b57")] where summary.count > 0 {
            let x = left + barWidth * position(ofMicros: micros, in: buckets)
            svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: color, dashed: true, widthPx: 1.5)
            let text = "\(label) \(Formatting.duration(micros: micros))"
            svg.text("┆ " + text, x: legendX, y: 30, anchor: "end", fill: color, weight: "600")
            legendX -= 12 + 6.5 * Double(text.count + 2)
        }
        svg.text("end-to-end latency (buckets double in width; counts, log scale)", x: left + plotWidth / 2, y: height - 8, anchor: "middle")
        return svg.finish()
    }

    /// How much of the plot's height a count fills: log10(count + 1), so a bucket of one still shows.
    static func barFraction(count: Double, logMax: Double) -> Double {
        log10(count + 1) / logMax
    }

    /// Where a value falls along the bucket axis, in bucket widths, interpolated on a log scale.
    static func position(ofMicros micros: Double, in buckets: [LatencyDistribution.Bucket]) -> Double {
        for (index, bucket) in buckets.enumerated() where micros < bucket.upperMicros {
            guard bucket.lowerMicros > 0 else { return Double(index) + micros / bucket.upperMicros }
            return Double(index) + log2(micros / bucket.lowerMicros)
        }
        return Double(buckets.count)
    }

    private static func pow10(_ power: Int) -> Double {
        var value = 1.0
        for _ in 0..<power { value *= 10 }
        return value
    }
}
