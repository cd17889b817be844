import Foundation
import TortureKit

/// Everything `torture run` leaves at its end, whichever way it ends (finished, interrupted, or
/// abandoned at a signal's deadline): the report folder, the JUnit file, the store removed or
/// kept, the last lines on stdout, flushed. A report that could not be written is exit 3.
struct RunOutput: Sendable {
    let options: RunOptions
    let started: Date
    let stores: any StoreProvider
    let store: any Store

    /// Writes and prints; returns the exit code (`exitCode`, or 3 when the report is lost). The
    /// summary files, the JUnit file and the last lines come before the slower rest of the report,
    /// so that a signal's deadline on a loaded machine cuts only what matters least.
    func finish(_ outcome: RunEngine.Outcome, exitCode: Int32) -> Int32 {
        var lost: [String] = []
        var directory: String?
        // An interrupted run takes no snapshot of its store, so the store goes first: within the
        // two seconds a signal allows, nothing must be left behind even if the report runs out of time.
        let interrupted = outcome.report.status == .interrupted
        if interrupted { removeStore() }
        do {
            directory = try RunReportFiles.writeSummary(outcome, started: started, root: options.reportDirectory)
        } catch {
            lost.append(error.description)
        }
        if let junit = options.junit {
            do {
                try JUnitWriter.write(JUnitReport.run(outcome.report), to: junit)
            } catch {
                lost.append("the JUnit file \(junit) could not be written: \(error.localizedDescription)")
            }
        }
        if options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print((try? encoder.encode(outcome.report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}")
        } else {
            print(TerminalSummary.render(outcome.report, reportDirectory: directory))
        }
        // The signal path may exit at any moment from here: flush what print buffered, or a pipe gets nothing.
        fflush(nil)
        if let directory {
            do {
                try RunReportFiles.writeDetails(outcome, to: directory, store: interrupted ? nil : store, root: options.reportDirectory)
            } catch {
                lost.append(error.description)
            }
        }
        if !interrupted { removeStore() }
        for reason in lost { Console.error("error: \(reason)") }
        if directory == nil {
            Console.error("error: the run's report is lost (exit \(ExitStatus.storeFailed)); the verdict above is all that remains of it")
        }
        // An abandoned run's processors may have recreated a store file since it was removed.
        if interrupted { stores.finish() }
        fflush(nil)
        return lost.isEmpty ? exitCode : ExitStatus.storeFailed
    }

    private func removeStore() {
        stores.discard(store)
        stores.finish()
    }

    /// At a signal's deadline the engine has not dropped the run's space: drop it now (its
    /// sessions are ended first), or say what is left and how to remove it.
    static func dropOrKeep(_ store: any Store) -> RunSpace? {
        guard var space = store.runSpace else { return nil }
        do {
            try store.dropRunSpace()
            return nil
        } catch {
            space.keptBecause = "the run was abandoned at a signal and dropping its space failed: \(error.message)"
            return space
        }
    }
}
