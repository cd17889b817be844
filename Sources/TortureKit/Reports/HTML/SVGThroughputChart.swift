/// Things finished per second over time, as bars, one per bucket of the series, across the whole
/// width of its card, with the average over the whole time as a dashed line.
enum SVGThroughputChart {
    static let width = 1040.0
    static let height = 200.0

    /// `averagePerSecond` is the rate the page states elsewhere, so the dashed line agrees with it;
    /// without one, the series' own total over its span.
    static func render(_ series: ThroughputSeries, title: String, unit: String, averagePerSecond: Double? = nil) -> String {
        let rates = series.ratesPerSecond
        guard let maxRate = rates.max(), maxRate > 0 else {
            return "<p class=\"muted\">\(HTMLPage.escape(title)): nothing finished.</p>"
        }
        let left = 60.0, right = 12.0, top = 24.0, bottom = 38.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let barWidth = plotWidth / Double(rates.count)
        let bucketSeconds = Double(series.bucketWidthNanos) / 1e9
        var svg = SVGCanvas(width: width, height: height, label: title, fluid: true)
        svg.text(title, x: left, y: 15, anchor: "start", weight: "600")
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: fraction == 0 ? "#8a92a3" : "#eceef2")
            svg.text(rateLabel(maxRate * fraction), x: left - 6, y: y + 4, anchor: "end")
        }
        for (index, rate) in rates.enumerated() {
            let barHeight = plotHeight * rate / maxRate
            let startSeconds = Double(index) * bucketSeconds
            svg.rect(x: left + Double(index) * barWidth, y: top + plotHeight - barHeight, width: max(0.6, barWidth - 0.6),
                     height: barHeight, fill: "#3f9e8f",
                     tip: "\(seconds(startSeconds))–\(seconds(startSeconds + bucketSeconds)): \(rateLabel(rate)) \(unit)/s (\(series.counts[index]))")
        }
        let totalSeconds = Double(rates.count) * bucketSeconds
        let average = averagePerSecond ?? Double(series.total) / totalSeconds
        let averageY = top + plotHeight * (1 - min(1, average / maxRate))
        svg.line(x1: left, y1: averageY, x2: left + plotWidth, y2: averageY, stroke: "#1d2330", dashed: true)
        svg.text("average \(rateLabel(average))/s", x: left + plotWidth - 4, y: averageY - 4, anchor: "end", fill: "#1d2330")
        svg.text("0", x: left, y: top + plotHeight + 14, anchor: "start")
        svg.text(seconds(totalSeconds / 2), x: left + plotWidth / 2, y: top + plotHeight + 14, anchor: "middle")
        svg.text(seconds(totalSeconds), x: left + plotWidth, y: top + plotHeight + 14, anchor: "end")
        svg.text("\(unit) per second over time, in buckets of \(seconds(bucketSeconds))", x: left + plotWidth / 2, y: height - 6, anchor: "middle")
        return svg.finish()
    }

    static func seconds(_ value: Double) -> String {
        Formatting.duration(micros: value * 1e6)
    }

    static func rateLabel(_ rate: Double) -> String {
        rate == 0 ? "0" : rate >= 10_000 ? "\(Int((rate / 1_000).rounded())) k" : rate >= 10 ? String(Int(rate.rounded())) : Formatting.decimal(rate, places: 1)
    }
}
