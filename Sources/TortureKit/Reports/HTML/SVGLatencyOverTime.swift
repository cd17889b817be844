import Foundation

/// End-to-end p50 and p99 window by window through the run, on a log scale, with each window's
/// background shaded by the faults fired in it: a slow stretch next to the faults behind it.
enum SVGLatencyOverTime {
    static let width = 1040.0
    static let height = 230.0

    static func render(_ overTime: LatencyOverTime, title: String) -> String {
        let filled = overTime.windows.filter { $0.count > 0 }
        guard let lowest = filled.map(\.p50Micros).filter({ $0 > 0 }).min(), let highest = filled.map(\.p99Micros).max(), highest > 0 else {
            return "<p class=\"muted\">\(HTMLPage.escape(title)): no message was processed.</p>"
        }
        let left = 60.0, right = 14.0, top = 26.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let windowWidth = plotWidth / Double(overTime.windows.count)
        let lowDecade = floor(log10(lowest)), highDecade = max(lowDecade + 1, ceil(log10(highest)))
        func y(_ micros: Double) -> Double {
            top + plotHeight * (1 - (log10(max(micros, pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade))
        }
        func runTime(_ nanos: UInt64) -> String { Formatting.duration(micros: Double(nanos) / 1_000) }
        var svg = SVGCanvas(width: width, height: height, label: title, fluid: true)
        svg.text(title, x: left, y: 15, anchor: "start", weight: "600")
        let mostFaults = overTime.windows.map(\.faultsFired).max() ?? 0
        for (index, window) in overTime.windows.enumerated() where window.faultsFired > 0 {
            let end = window.startNanos + overTime.windowWidthNanos
            svg.rect(x: left + windowWidth * Double(index), y: top, width: windowWidth, height: plotHeight, fill: "#e08a00",
                     tip: "\(runTime(window.startNanos))–\(runTime(end)): \(window.faultsFired) faults fired",
                     opacity: 0.05 + 0.35 * Double(window.faultsFired) / Double(max(1, mostFaults)))
        }
        for decade in Int(lowDecade)...Int(highDecade) {
            let micros = pow(10, Double(decade))
            svg.line(x1: left, y1: y(micros), x2: left + plotWidth, y2: y(micros), stroke: "#dfe2e8")
            svg.text(Formatting.durationTick(micros: micros), x: left - 6, y: y(micros) + 4, anchor: "end")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#8a92a3")
        for (name, color, value) in [("p99", "#c62828", \LatencyOverTime.Window.p99Micros), ("p50", "#3465a4", \.p50Micros)] {
            // A window without processed messages breaks the line rather than drawing a false zero.
            var run: [(x: Double, y: Double)] = []
            for (index, window) in overTime.windows.enumerated() {
                guard window.count > 0 else {
                    svg.polyline(run, stroke: color, widthPx: 2)
                    run = []
                    continue
                }
                let x = left + windowWidth * (Double(index) + 0.5)
                run.append((x, y(window[keyPath: value])))
                svg.marker(.circle, x: x, y: y(window[keyPath: value]), fill: color,
                           tip: "\(runTime(window.startNanos)): \(name) \(Formatting.duration(micros: window[keyPath: value])) "
                            + "over \(window.count) messages, \(window.faultsFired) faults")
            }
            svg.polyline(run, stroke: color, widthPx: 2)
        }
        svg.text("━ p99", x: left + 8, y: top + 14, anchor: "start", fill: "#c62828", weight: "600")
        svg.text("━ p50", x: left + 8, y: top + 28, anchor: "start", fill: "#3465a4", weight: "600")
        svg.text("▇ faults fired (darker: more)", x: left + 8, y: top + 42, anchor: "start", fill: "#b06d00")
        let total = overTime.windowWidthNanos * UInt64(overTime.windows.count)
        svg.text("0", x: left, y: top + plotHeight + 14, anchor: "start")
        svg.text(runTime(total / 2), x: left + plotWidth / 2, y: top + plotHeight + 14, anchor: "middle")
        svg.text(runTime(total), x: left + plotWidth, y: top + plotHeight + 14, anchor: "end")
        svg.text("run time; each point: the messages whose work landed in that \(runTime(overTime.windowWidthNanos)) window",
                 x: left + plotWidth / 2, y: height - 6, anchor: "middle")
        return svg.finish()
    }
}
