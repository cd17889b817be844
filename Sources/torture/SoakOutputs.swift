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

    /// Writes and prints; returns the exit code.
    func finish(_ summary: SoakSummary) -> Int32 {
        let stamp = wallClock.stamp()
        var directory: String?
        let writer = SoakReportWriter(root: reportRoot)
        do {
            let folder = try writer.makeDirectory(stamp: stamp.folder, seedStart: summary.seedStart, shard: summary.shard)
            try writer.write(summary, to: folder, generatedAt: stamp.iso8601)
            directory = folder
        } catch {
            Console.error("warning: could not write the soak report under \(reportRoot): \(error.localizedDescription)")
        }
        if let junitPath {
            do {
                try JUnitWriter.write(JUnitReport.soak(summary), to: junitPath)
            } catch {
                Console.error("warning: could not write the JUnit file \(junitPath): \(error.localizedDescription)")
            }
        }
        stores.finish()
        if json {
            print((try? SoakReportWriter.json(summary)) ?? "{}")
        } else {
            print(SoakSummaryMarkdown.terminalLines(summary, directory: directory))
            if let junitPath { print("junit: \(junitPath)") }
        }
        // The signal path exits right after: flush what print buffered.
        fflush(nil)
        return summary.exitCode
    }
}
