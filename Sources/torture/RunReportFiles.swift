import Foundation
import TortureKit

/// Writing a run's report folder, shared by run, replay and shrink.
enum RunReportFiles {
    /// Why a run's report could not be kept: the run happened, but nothing of it is on disk.
    struct Lost: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder written. A store snapshot that fails is a warning; a report that fails is
    /// `Lost` — the caller exits 3, since whoever reads the folder would find nothing. An
    /// interrupted run takes no snapshot: a signal allows two seconds, and its store may still be
    /// in use by a run that did not stop.
    static func write(
        _ outcome: RunEngine.Outcome, store: any Store, started: Date, root reportDirectory: String, snapshot: Bool = true
    ) throws(Lost) -> String {
        let writer = ReportWriter(root: reportDirectory)
        let directory: String
        do {
            directory = try writer.makeDirectory(scenario: outcome.report.scenario.name, stamp: Timestamp.folder(started),
                                                 seed: outcome.report.parameters.seed)
            try writer.write(outcome, to: directory)
        } catch {
            throw Lost(description: "the report could not be written under \(reportDirectory): \(error.localizedDescription)")
        }
        if snapshot, outcome.report.status != .held {
            do {
                try store.snapshot(into: directory)
            } catch {
                Console.error("warning: could not copy the store into the report: \(error)")
            }
        }
        return directory
    }
}
