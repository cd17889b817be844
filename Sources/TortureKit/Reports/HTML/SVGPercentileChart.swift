import Foundation

/// HdrHistogram's percentile plot: latency against percentile, the percentile axis spaced by
/// log10(1 / (1 − p)) so 90 %, 99 %, 99.9 %, … are equally far apart and the tail gets the room the
/// median would otherwise take. One line per series (end to end, each step); latency on a log
/// scale, since a step of 30 µs and an end to end of 30 ms share the chart.
enum SVGPercentileChart {
    static let width = 520.0
    static let height = 260.0

    struct Series {
        var name: String
        var color: String
        var curve: PercentileCurve
        var bold = false
    }

    static let palette = ["#3465a4", "#2e8b57", "#e08a00", "#8e44ad", "#c62828", "#16a085", "#7f8c8d", "#d35400"]

    static func render(_ allSeries: [Series], title: String) -> String {
        let series = allSeries.filter { $0.curve.points.count >= 2 }
        let values = series.flatMap { $0.curve.points.map(\.valueMicros) }.filter { $0 > 0 }
        guard let lowest = values.min(), let highest = values.max() else {
            return "<p class=\"muted\">\(HTMLPage.escape(title)): no samples.</p>"
        }
        let left = 54.0, right = 30.0, top = 26.0, bottom = 44.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maxNines = max(1, ceil(series.map { $0.curve.nines(of: $0.curve.points.last!) }.max() ?? 1))
        let lowDecade = floor(log10(lowest)), highDecade = max(lowDecade + 1, ceil(log10(highest)))
        func x(_ nines: Double) -> Double { left + plotWidth * nines / maxNines }
        func y(_ micros: Double) -> Double {
            top + plotHeight * (1 - (log10(max(micros, pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade))
        }
        var svg = SVGCanvas(width: width, height: height, label: title)
        svg.text(title, x: left, y: 15, anchor: "start", weight: "600")
        for decade in Int(lowDecade)...Int(highDecade) {
            let micros = pow(10, Double(decade))
            svg.line(x1: left, y1: y(micros), x2: left + plotWidth, y2: y(micros), stroke: "#eceef2")
            svg.text(Formatting.durationTick(micros: micros), x: left - 6, y: y(micros) + 4, anchor: "end")
        }
        for nines in 0...Int(maxNines) {
            svg.line(x1: x(Double(nines)), y1: top, x2: x(Double(nines)), y2: top + plotHeight, stroke: "#eceef2")
            svg.text(percentileLabel(nines: nines), x: x(Double(nines)), y: top + plotHeight + 14, anchor: "middle")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#8a92a3")
        for line in series.reversed() {
            let points = line.curve.points.map { (x: x(line.curve.nines(of: $0)), y: y($0.valueMicros)) }
            svg.polyline(points, stroke: line.color, widthPx: line.bold ? 2.5 : 1.5,
                         tip: "\(line.name): p50 \(value(at: 50, in: line.curve)), p99 \(value(at: 99, in: line.curve)), "
                            + "max \(Formatting.duration(micros: line.curve.points.last!.valueMicros))")
        }
        // Top left of the plot: the curves rise to the right, so that corner stays clear.
        for (index, line) in series.enumerated() {
            svg.text("━ " + line.name, x: left + 8, y: top + 14 + 14 * Double(index), anchor: "start", fill: line.color,
                     weight: line.bold ? "600" : nil)
        }
        svg.text("percentile (each further nine gets the same width); latency, log scale",
                 x: left + plotWidth / 2, y: height - 8, anchor: "middle")
        return svg.finish()
    }

    /// 0 → "0%", 1 → "90%", 2 → "99%", 3 → "99.9%", …
    static func percentileLabel(nines: Int) -> String {
        switch nines {
        case ...0: "0%"
        case 1: "90%"
        case 2: "99%"
        default: "99." + String(repeating: "9", count: nines - 2) + "%"
        }
    }

    private static func value(at percentile: Double, in curve: PercentileCurve) -> String {
        let point = curve.points.first { $0.percentile >= percentile } ?? curve.points.last!
        return Formatting.duration(micros: point.valueMicros)
    }
}
