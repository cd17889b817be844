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

    @Option(help: ArgumentHelp(
        "sqlite (a temporary file), sqlite:PATH (a new file kept afterwards), postgres://user@host:port/db, "
            + "or postgres (TORTURE_DATABASE_URL, else the PG* variables). Prefer PGPASSWORD to a password in the URL.",
        valueName: "store"))
    var store = "sqlite"

    @Option(help: ArgumentHelp(
        "threads (real threads, one per processor), sim (one thread, interleaving chosen by the seed, virtual time), or pct (sim with priority-based scheduling).",
        valueName: "scheduler"))
    var scheduler = "threads"

    @Option(help: ArgumentHelp("PCT's bug depth d: d-1 priority change points (with --scheduler pct).", valueName: "d"))
    var depth = 3

    @Flag(name: .customLong("check-determinism"), help: "Run the seed twice in simulation and fail if the histories differ, naming the first event where they do.")
    var checkDeterminism = false

    @Option(name: .customLong("disable-fault"), help: ArgumentHelp(
        "Switch off one of the scenario's fault rules, as kind@point (e.g. delay@after-read); repeatable. `torture shrink` prints these.",
        valueName: "kind@point"))
    var disabledFaults: [String] = []

    @Flag(name: .customLong("no-faults"), help: "Switch off every fault rule of the scenario: the protocol alone, as benchmarks want it.")
    var noFaults = false

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where reports are written.", valueName: "dir"))
    var reportDirectory = "reports"

    @Flag(help: "Print the report as JSON on stdout instead of the summary.")
    var json = false

    @Option(help: ArgumentHelp("Also write JUnit XML here (one test case: this scenario and seed).", valueName: "file"))
    var junit: String?

    func validate() throws {
        try OutputLocation.requireParent(of: reportDirectory, for: "--report-dir")
        if let junit { try OutputLocation.requireParent(of: junit, for: "--junit") }
        guard (1...1_024).contains(workers) else { throw ValidationError("--workers must be from 1 to 1024, got \(workers)") }
        if let messages, !(1...10_000_000).contains(messages) { throw ValidationError("--messages must be from 1 to 10000000, got \(messages)") }
        if let deliveries, !(1...100).contains(deliveries) { throw ValidationError("--deliveries must be from 1 to 100, got \(deliveries)") }
        if let concurrent, !(1...100).contains(concurrent) { throw ValidationError("--concurrent must be from 1 to 100, got \(concurrent)") }
        guard ["threads", "sim", "pct"].contains(scheduler) else {
            throw ValidationError("--scheduler expects threads, sim or pct, got \"\(scheduler)\"")
        }
        guard (1...100).contains(depth) else { throw ValidationError("--depth must be from 1 to 100, got \(depth)") }
        if checkDeterminism, scheduler == "threads" {
            throw ValidationError("--check-determinism needs --scheduler sim or pct: real threads promise no interleaving")
        }
        if let seed, Seed(parsing: seed) == nil {
            throw ValidationError("--seed expects a 64-bit number, decimal (12345) or hex (0x5eed), got \"\(seed)\"")
        }
    }

    func run() async throws {
        let runSeed = seed.flatMap(Seed.init(parsing:)) ?? Seed(UInt64.random(in: .min ... .max))
        if seed == nil { Console.error("seed \(runSeed) (drawn; pass --seed \(runSeed) to repeat)") }

        let loaded: Scenario
        let scenarioPath: String
        let byName = !(scenario.contains("/") || scenario.hasSuffix(".yaml") || scenario.hasSuffix(".yml"))
        do {
            scenarioPath = try scenarioOptions.catalogue.path(for: scenario)
            loaded = try ScenarioLoader.load(path: scenarioPath)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let disabledFaults = noFaults ? loaded.faults.ruleNames : self.disabledFaults
        let unknownFaults = loaded.faults.disabling(disabledFaults).unknown
        guard unknownFaults.isEmpty else {
            Console.error("error: --disable-fault \(unknownFaults.joined(separator: ", ")): not a rule of \(loaded.name); its rules: \(loaded.faults.ruleNames.joined(separator: ", "))")
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
        let started = Date()
        let chosenStore: any Store
        do {
            chosenStore = try StoreOption(parsing: store).makeStore(seed: runSeed, stamp: Timestamp.folder(started))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }

        let configuration = RunConfiguration(
            scenario: byName ? scenario : loaded.source.path, workers: workers, messages: workload.messages,
            deliveriesPerMessage: workload.deliveriesPerMessage, concurrentDeliveries: workload.concurrentDeliveries,
            seed: runSeed, store: chosenStore.commandLineValue, scenariosDirectory: byName ? scenarioOptions.catalogue.directory(ofPath: scenarioPath) : nil,
            scheduler: schedulerChoice, disabledFaults: disabledFaults
        )
        let progress = RunProgress()
        let engine = RunEngine(scenario: loaded, configuration: configuration, store: chosenStore, progress: progress)
        let progressLine = Console.standardErrorIsTerminal && !json ? ProgressLine.make(scenario: loaded.name, progress: progress) : nil
        progressLine?.start()
        var outcome = await engine.run(startedAt: Timestamp.iso8601(started))
        progressLine?.stop()
        if let note = (chosenStore as? PostgresStore)?.confinementNote { Console.error("note: \(note)") }
        if checkDeterminism, outcome.report.status == .held || outcome.report.status == .violated {
            outcome = await DeterminismCheck(scenario: loaded, configuration: configuration, first: outcome).rerun(startedAt: Timestamp.iso8601(started))
        }

        let directory = writeReport(outcome, store: chosenStore, started: started)
        if let sqlite = chosenStore as? SQLiteStore, !sqlite.isUserPath { sqlite.removeFiles() }
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

    private var schedulerChoice: SchedulerChoice {
        switch scheduler {
        case "sim": .simulation
        case "pct": .pct(depth: depth)
        default: .threads
        }
    }

    private func writeReport(_ outcome: RunEngine.Outcome, store: any Store, started: Date) -> String? {
        RunReportFiles.write(outcome, store: store, started: started, root: reportDirectory)
    }
}

/// Writing a run's report folder, shared by run, replay and shrink.
enum RunReportFiles {
    /// A report that cannot be written is said, not fatal: the verdict is still printed.
    static func write(_ outcome: RunEngine.Outcome, store: any Store, started: Date, root reportDirectory: String) -> String? {
        let writer = ReportWriter(root: reportDirectory)
        do {
            let directory = try writer.makeDirectory(scenario: outcome.report.scenario.name, stamp: Timestamp.folder(started),
                                                     seed: outcome.report.parameters.seed)
            try writer.write(outcome, to: directory)
            if outcome.report.status != .held, let store = store as? SQLiteStore, FileManager.default.fileExists(atPath: store.path) {
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
