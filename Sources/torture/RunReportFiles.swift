import Foundation
import TortureKit

/// Writing a run's report folder, shared by run, replay and shrink.
enum RunReportFiles {
    /// Why a run's report could not be kept: the run happened, but nothing of it is on disk.
    struct Lost: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder written. A store snapshot that fails is a warning; a report that fails is
    /// `Lost` — the caller exits 3, since whoever reads the folder would find nothing.
    static func write(_ outcome: RunEngine.Outcome, store: any Store, started: Date, root reportDirectory: String) throws(Lost) -> String {
        let directory = try writeSummary(outcome, started: started, root: reportDirectory)
        try writeDetails(outcome, to: directory, store: store, root: reportDirectory)
        return directory
    }

    /// The folder, made, with `report.json` and `summary.md` in it: what must land first.
    static func writeSummary(_ outcome: RunEngine.Outcome, started: Date, root reportDirectory: String) throws(Lost) -> String {
        let writer = ReportWriter(root: reportDirectory)
        do {
            let directory = try writer.makeDirectory(scenario: outcome.report.scenario.name, stamp: Timestamp.folder(started),
                                                     seed: outcome.report.parameters.seed)
            try writer.writeSummary(outcome, to: directory)
            return directory
        } catch {
            throw Lost(description: "the report could not be written under \(reportDirectory): \(error.localizedDescription)")
        }
    }

    /// The rest of the folder, and a snapshot of the store when the run did not hold. `store` nil:
    /// no snapshot (an interrupted run's store is already removed, or still used by a run that did
    /// not stop).
    static func writeDetails(_ outcome: RunEngine.Outcome, to directory: String, store: (any Store)?, root reportDirectory: String) throws(Lost) {
        do {
            try ReportWriter(root: reportDirectory).writeDetails(outcome, to: directory)
        } catch {
            throw Lost(description: "part of the report in \(directory) could not be written: \(error.localizedDescription)")
        }
        if let store, outcome.report.status != .held {
            do {
                try store.snapshot(into: directory)
            } catch {
                Console.error("warning: could not copy the store into the report: \(error)")
            }
        }
    }
}
