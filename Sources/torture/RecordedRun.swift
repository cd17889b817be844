import ArgumentParser
import Foundation
import TortureKit

/// A report.json read back, with the scenario it ran — the same content, or refused.
struct RecordedRun {
    let report: RunReport
    let scenario: Scenario
    let path: String

    /// `path` is a report.json or the folder holding one.
    static func load(_ path: String, force: Bool) throws -> RecordedRun {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path + "/report.json" : path
        let report: RunReport
        do {
            report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            Console.error("error: \(file): not a readable torture report: \(error.localizedDescription)")
            throw ExitCode(ExitStatus.usage)
        }
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path: report.scenario.file)
        } catch {
            Console.error("error: the report's scenario cannot be loaded: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let hash = scenario.source.contentHash.fixedHex
        if hash != report.scenario.contentHash {
            guard force else {
                Console.error("""
                    error: \(report.scenario.file) changed since the run (content \(hash), recorded \(report.scenario.contentHash)): \
                    a replay would not be the same run. Restore the file, or pass --force to run the current one.
                    """)
                throw ExitCode(ExitStatus.usage)
            }
            Console.error("warning: \(report.scenario.file) changed since the run; --force runs the current content")
        }
        return RecordedRun(report: report, scenario: scenario, path: file)
    }

    /// A fresh temporary SQLite store: a replay never reuses the file a run left behind.
    static func freshStore(seed: Seed) -> SQLiteStore {
        let folder = NSTemporaryDirectory() + "torture-\(getpid())-\(seed)-\(UInt32.random(in: .min ... .max))"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return SQLiteStore(path: folder + "/store.sqlite", isUserPath: false)
    }

    /// The configuration to run again: as recorded, on a fresh temporary store.
    var configuration: RunConfiguration {
        var configuration = report.parameters
        configuration.store = "sqlite"
        return configuration
    }
}
