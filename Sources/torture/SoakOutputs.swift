import Foundation
import TortureKit

/// Everything a soak leaves at its end: the soak folder, the JUnit file, the last lines or the
/// JSON. Called once, by whichever of the soak's end or the signal deadline gets there first.
struct SoakOutputs: Sendable {
    let reportRoot: String
    let junitPath: String?
    let json: Bool
    let wallClock: SystemWallClock
    let stores: any StoreProvider

    /// Writes and prints; returns the exit code: the summary's, or 3 when what it should leave
    /// could not be written. The summary files, the JUnit file and the last lines come before the
    /// slower HTML and histograms, so that a signal's deadline on a loaded machine cuts only what
    /// matters least.
    func finish(_ summary: SoakSummary) -> Int32 {
        // First: failed runs took their snapshots as they were written, and after a signal the
        // stores must be gone even if the summary runs out of time.
        stores.finish()
        var lost: [String] = []
        let stamp = wallClock.stamp()
        var directory: String?
        let writer = SoakReportWriter(root: reportRoot)
        do {
            let folder = try writer.makeDirectory(stamp: stamp.folder, seedStart: summary.seedStart, shard: summary.shard)
            try writer.writeSummary(summary, to: folder)
            directory = folder
        } catch {
            lost.append("the soak's summary could not be written under \(reportRoot): \(error.localizedDescription)")
        }
        if let junitPath {
            do {
                try JUnitWriter.write(JUnitReport.soak(summary), to: junitPath)
            } catch {
                lost.append("the JUnit file \(junitPath) could not be written: \(error.localizedDescription)")
            }
        }
        if json {
            print((try? SoakReportWriter.json(summary)) ?? "{}")
            // The terminal lines say it on stdout; with JSON there, stderr does.
            if let failure = SoakSummaryMarkdown.coverageFailure(summary) { Console.error("error: " + failure) }
        } else {
            print(SoakSummaryMarkdown.terminalLines(summary, directory: directory))
            if let junitPath { print("junit: \(junitPath)") }
        }
        // The signal path may exit at any moment from here: flush what print buffered, or a pipe gets nothing.
        fflush(nil)
        if let directory {
            do {
                try writer.writeDetails(summary, to: directory, generatedAt: stamp.iso8601)
            } catch {
                lost.append("part of the soak's report in \(directory) could not be written: \(error.localizedDescription)")
            }
        }
        for reason in lost { Console.error("error: \(reason)") }
        // A processor of a run abandoned at a signal may have recreated its store file since.
        stores.finish()
        fflush(nil)
        return lost.isEmpty ? summary.exitCode : ExitStatus.storeFailed
    }
}
