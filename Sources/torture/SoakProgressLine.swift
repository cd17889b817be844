import Foundation
import TortureKit

/// The live line on stderr while a soak goes — runs done, seeds per second, violations so far,
/// time or runs left — only when stderr is a terminal.
enum SoakProgressLine {
    static func make(progress: SoakProgress, limit: SoakLimit) -> LiveLine {
        LiveLine(every: .milliseconds(250)) { seconds in
            let seedsPerSecond = seconds > 0 ? Double(progress.seedsStarted) / seconds : 0
            let left: String
            switch limit {
            case .durationNanos(let nanos):
                left = Formatting.duration(micros: max(0, Double(nanos) / 1e3 - seconds * 1e6)) + " left"
            case .runs(let count):
                let runsLeft = max(0, count - progress.runsDone)
                left = "\(runsLeft) run\(runsLeft == 1 ? "" : "s") left"
            }
            // Seeds counted as the summary counts them (positions started), so the two agree.
            return "soak  runs \(progress.runsDone)  seeds \(progress.seedsStarted) "
                + "(\(Formatting.decimal(seedsPerSecond, places: 2))/s)  violations \(progress.violationsFound)  \(left)"
                + (progress.runInHand.map { "  now: \($0)" } ?? "")
        }
    }

    /// A failed run, said the moment it is found: above the live line on a terminal, and as plain
    /// lines in a CI log, where the invariant that broke must be readable without the summary.
    static func announce(_ event: SoakRunEvent, live: Bool) {
        let report = event.report
        guard report.status != .held else { return }
        let what = report.status == .violated
            ? report.violatedVerdicts.map { "\($0.invariant) (\($0.witnessCount) witnesses)" }.joined(separator: ", ")
            : report.failureReason ?? report.status.rawValue
        var text = (live ? "\r\u{1B}[2K" : "") + "\(report.status.rawValue.uppercased()) \(report.scenario.name) seed \(report.parameters.seed): \(what)\n"
        if let directory = event.reportDirectory { text += "  report: \(directory)\n" }
        if TerminalSummary.showsRepro(report.status) { text += "  repro: \(report.repro)\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
