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
        if let recorded = report.handler {
            let current = (scenario.handler as? ProcessHandler)?.contentHash.fixedHex ?? "none"
            if current != recorded.contentHash {
                guard force else {
                    Console.error("""
                        error: the handler `\(recorded.command)` changed since the run (its command and files hash to \(current), \
                        recorded \(recorded.contentHash)): a replay would not run the same code. Restore it, or pass --force to run the current one.
                        """)
                    throw ExitCode(ExitStatus.usage)
                }
                Console.error("warning: the handler `\(recorded.command)` changed since the run; --force runs the current one")
            }
        }
        return RecordedRun(report: report, scenario: scenario, path: file)
    }

    /// Where a replay or shrink runs: `--store` when given; otherwise the recorded kind of store —
    /// a fresh temporary SQLite file for a SQLite run, and for a PostgreSQL run the server in
    /// TORTURE_DATABASE_URL, else the recorded URL (recorded without its password: PGPASSWORD
    /// or ~/.pgpass supply it). Either way in a store of its own, never the recorded one.
    func storeProvider(override: String?, stamp: String) throws -> any StoreProvider {
        let recorded = report.parameters.store
        let text: String
        if let override {
            text = override
        } else if PostgresURL.isPostgresURL(recorded) || recorded == "postgres" {
            let fromEnvironment = ProcessInfo.processInfo.environment[StoreOption.databaseURLVariable] ?? ""
            text = fromEnvironment.isEmpty ? recorded : "postgres"
        } else {
            text = "sqlite"
        }
        do {
            return try StoreOption(parsing: text).makeProvider(stamp: stamp)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The configuration to run again: as recorded, on the store it runs on now.
    func configuration(on stores: any StoreProvider) -> RunConfiguration {
        var configuration = report.parameters
        configuration.store = stores.commandLineValue
        return configuration
    }
}

/// One run of a recorded scenario on a fresh store from `stores`: what replay and shrink end with.
enum RecordedRunExecution {
    static func run(
        _ scenario: Scenario, _ configuration: RunConfiguration, stores: any StoreProvider, reportDirectory: String
    ) async throws -> (outcome: RunEngine.Outcome, directory: String?, lost: String?) {
        let store: any Store
        do {
            store = try stores.makeStore(scenario: scenario.name, seed: configuration.seed)
        } catch {
            Console.error("error: cannot make a store on \(stores.commandLineValue): \(error.message)")
            throw ExitCode(ExitStatus.storeFailed)
        }
        let started = Date()
        let outcome = ReproLine.stamped(await RunEngine(scenario: scenario, configuration: configuration, store: store)
            .run(startedAt: Timestamp.iso8601(started)))
        defer { stores.discard(store) }
        do {
            return (outcome, try RunReportFiles.write(outcome, store: store, started: started, root: reportDirectory), nil)
        } catch {
            return (outcome, nil, error.description)
        }
    }
}
