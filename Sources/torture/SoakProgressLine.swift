import Foundation
import TortureKit

/// The live line on stderr while a soak goes — runs done, seeds per second, violations so far,
/// time or runs left — only when stderr is a terminal.
enum SoakProgressLine {
    static func make(progress: SoakProgress, limit: SoakLimit) -> LiveLine {
        LiveLine(every: .milliseconds(250)) { seconds in
            let seedsPerSecond = seconds > 0 ? Double(progress.seedsDone) / seconds : 0
            let left: String
            switch limit {
            case .durationNanos(let nanos):
                left = Formatting.duration(micros: max(0, Double(nanos) / 1e3 - seconds * 1e6)) + " left"
            case .runs(let count):
                let runsLeft = max(0, count - progress.runsDone)
                left = "\(runsLeft) run\(runsLeft == 1 ? "" : "s") left"
            }
            return "soak  runs \(progress.runsDone)  seeds \(progress.seedsDone) "
                + "(\(Formatting.decimal(seedsPerSecond, places: 2))/s)  violations \(progress.violationsFound)  \(left)"
        }
    }

    /// A failed run, said the moment it is found, above the live line.
    static func announce(_ event: SoakRunEvent) {
        let report = event.report
        guard report.status != .held else { return }
        let what = report.status == .violated
            ? report.violatedVerdicts.map { "\($0.invariant) (\($0.witnessCount) witnesses)" }.joined(separator: ", ")
            : report.failureReason ?? report.status.rawValue
        var text = "\r\u{1B}[2K\(report.status.rawValue.uppercased()) \(report.scenario.name) seed \(report.parameters.seed): \(what)\n"
        if let directory = event.reportDirectory { text += "  report: \(directory)\n" }
        text += "  repro: \(report.repro)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
