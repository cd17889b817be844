import ArgumentParser
import Foundation
import TortureKit

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one scenario once: many processors, seeded faults, invariants checked.",
        discussion: """
            Exits 0 when every invariant held, 1 when one was violated (and prints the line that \
            reproduces the run), 2 for a wrong command line or scenario, 3 when the store failed. \
            The report is written to <report-dir>/<scenario>/<yyyymmdd-hhmmss>-<seed>/.
            """
    )

    @Argument(help: ArgumentHelp("Scenario name (see `torture list`) or path to a scenario file.", valueName: "scenario"))
    var scenario: String

    @Option(help: ArgumentHelp("Concurrent processors, each with its own connection and thread.", valueName: "n"))
    var workers = 16

    @Option(help: ArgumentHelp("Messages to publish (default: the scenario's).", valueName: "n"))
    var messages: Int?

    @Option(help: ArgumentHelp("Deliveries per message (default: the scenario's).", valueName: "n"))
    var deliveries: Int?

    @Option(help: ArgumentHelp("How many of a message's deliveries arrive at once (default: the scenario's).", valueName: "n"))
    var concurrent: Int?

    @Option(help: ArgumentHelp("64-bit seed, decimal or 0x-hex (default: drawn from the OS and printed).", valueName: "seed"))
    var seed: String?

    @Option(help: ArgumentHelp("sqlite (a temporary file), or sqlite:PATH (a new file kept afterwards).", valueName: "store"))
    var store = "sqlite"

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where reports are written.", valueName: "dir"))
    var reportDirectory = "reports"

    @Flag(help: "Print the report as JSON on stdout instead of the summary.")
    var json = false

    @Option(help: ArgumentHelp("Also write JUnit XML here (one test case: this scenario and seed).", valueName: "file"))
    var junit: String?

    func validate() throws {
        guard (1...1_024).contains(workers) else { throw ValidationError("--workers must be from 1 to 1024, got \(workers)") }
        if let messages, !(1...10_000_000).contains(messages) { throw ValidationError("--messages must be from 1 to 10000000, got \(messages)") }
        if let deliveries, !(1...100).contains(deliveries) { throw ValidationError("--deliveries must be from 1 to 100, got \(deliveries)") }
        if let concurrent, !(1...100).contains(concurrent) { throw ValidationError("--concurrent must be from 1 to 100, got \(concurrent)") }
        if let seed, Seed(parsing: seed) == nil {
            throw ValidationError("--seed expects a 64-bit number, decimal (12345) or hex (0x5eed), got \"\(seed)\"")
        }
    }

    func run() async throws {
        let runSeed = seed.flatMap(Seed.init(parsing:)) ?? Seed(UInt64.random(in: .min ... .max))
        if seed == nil { Console.error("seed \(runSeed) (drawn; pass --seed \(runSeed) to repeat)") }

        let loaded: Scenario
        let byName = !(scenario.contains("/") || scenario.hasSuffix(".yaml") || scenario.hasSuffix(".yml"))
        do {
            loaded = try ScenarioLoader.load(path: scenarioOptions.catalogue.path(for: scenario))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let workload = Workload(
            messages: messages ?? loaded.workload.messages,
            deliveriesPerMessage: deliveries ?? loaded.workload.deliveriesPerMessage,
            concurrentDeliveries: concurrent ?? min(loaded.workload.concurrentDeliveries, deliveries ?? .max)
        )
        guard workload.concurrentDeliveries <= workload.deliveriesPerMessage else {
            Console.error("error: --concurrent (\(workload.concurrentDeliveries)) cannot exceed --deliveries (\(workload.deliveriesPerMessage))")
            throw ExitCode(ExitStatus.usage)
        }
        let sqlite: SQLiteStore
        do {
            sqlite = try StoreOption(parsing: store).makeStore(seed: runSeed)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }

        let configuration = RunConfiguration(
            scenario: byName ? scenario : loaded.source.path, workers: workers, messages: workload.messages,
            deliveriesPerMessage: workload.deliveriesPerMessage, concurrentDeliveries: workload.concurrentDeliveries,
            seed: runSeed, store: sqlite.commandLineValue, scenariosDirectory: byName ? scenarioOptions.directory : nil
        )
        let progress = RunProgress()
        let engine = RunEngine(scenario: loaded, configuration: configuration, store: sqlite, progress: progress)
        let progressLine = Console.standardErrorIsTerminal && !json ? ProgressLine(scenario: loaded.name, progress: progress) : nil
        progressLine?.start()
        let started = Date()
        let outcome = await engine.run(startedAt: Timestamp.iso8601(started))
        progressLine?.stop()

        let directory = writeReport(outcome, store: sqlite, started: started)
        if !sqlite.isUserPath { sqlite.removeFiles() }
        if let junit {
            do {
                try JUnitWriter.write(JUnitReport.run(outcome.report), to: junit)
            } catch {
                Console.error("warning: could not write the JUnit file \(junit): \(error.localizedDescription)")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(outcome.report), as: UTF8.self))
        } else {
            print(TerminalSummary.render(outcome.report, reportDirectory: directory))
        }
        let code = outcome.report.status.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    /// A report that cannot be written is said, not fatal: the verdict is still printed.
    private func writeReport(_ outcome: RunEngine.Outcome, store: SQLiteStore, started: Date) -> String? {
        let writer = ReportWriter(root: reportDirectory)
        do {
            let directory = try writer.makeDirectory(scenario: outcome.report.scenario.name, stamp: Timestamp.folder(started),
                                                     seed: outcome.report.parameters.seed)
            try writer.write(outcome, to: directory)
            if outcome.report.status != .held, FileManager.default.fileExists(atPath: store.path) {
                do {
                    try store.snapshot(to: "\(directory)/store.sqlite")
                } catch {
                    Console.error("warning: could not copy the store into the report: \(error)")
                }
            }
            return directory
        } catch {
            Console.error("warning: could not write the report under \(reportDirectory): \(error.localizedDescription)")
            return nil
        }
    }
}

enum Timestamp {
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// yyyymmdd-hhmmss in UTC: sorts by time and has no characters a shell or a URL minds.
    static func folder(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}
