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

    @OptionGroup var options: RunOptions

    @Option(help: ArgumentHelp("Deliveries per message (default: the scenario's).", valueName: "n"))
    var deliveries: Int?

    @Option(help: ArgumentHelp("How many of a message's deliveries arrive at once (default: the scenario's).", valueName: "n"))
    var concurrent: Int?

    @Option(help: ArgumentHelp("64-bit seed, decimal or 0x-hex (default: drawn from the OS and printed).", valueName: "seed"))
    var seed: String?

    @Flag(name: .customLong("check-determinism"), help: "Run the seed twice in simulation and fail if the histories differ, naming the first event where they do.")
    var checkDeterminism = false

    @Option(name: .customLong("disable-fault"), help: ArgumentHelp(
        "Switch off one of the scenario's fault rules, as kind@point (e.g. delay@after-read); repeatable. `torture shrink` prints these.",
        valueName: "kind@point"))
    var disabledFaults: [String] = []

    @Flag(name: .customLong("no-faults"), help: "Switch off every fault rule of the scenario: the protocol alone, as benchmarks want it.")
    var noFaults = false

    @Option(help: ArgumentHelp(
        "How long processors may work before the run is called stuck and ends with a `liveness` verdict: 500ms, 90s, 30m "
            + "(on the run's clock: virtual in simulation). Default: derived from the workload, far above what a run that makes progress needs.",
        valueName: "duration"))
    var deadline: String?

    func validate() throws {
        if let deliveries, !(1...100).contains(deliveries) { throw ValidationError("--deliveries must be from 1 to 100, got \(deliveries)") }
        if let concurrent, !(1...100).contains(concurrent) { throw ValidationError("--concurrent must be from 1 to 100, got \(concurrent)") }
        if checkDeterminism, options.scheduler == .threads {
            throw ValidationError("--check-determinism needs --scheduler sim or pct: real threads promise no interleaving")
        }
        if let seed, Seed(parsing: seed) == nil {
            throw ValidationError("--seed expects a 64-bit number, decimal (12345) or hex (0x5eed), got \"\(seed)\"")
        }
        if let deadline, deadlineMillis(deadline) == nil {
            throw ValidationError("--deadline expects a positive duration with a unit, e.g. 500ms, 90s or 30m, got \"\(deadline)\"")
        }
    }

    private func deadlineMillis(_ text: String) -> Int? {
        SoakLimit.parseDuration(text).map { Int(clamping: max(1, $0 / 1_000_000)) }
    }

    func run() async throws {
        let runSeed = seed.flatMap(Seed.init(parsing:)) ?? Seed(UInt64.random(in: .min ... .max))
        if seed == nil { Console.error("seed \(runSeed) (drawn; pass --seed \(runSeed) to repeat)") }

        let loaded: Scenario
        let byName = !(scenario.contains("/") || scenario.hasSuffix(".yaml") || scenario.hasSuffix(".yml"))
        do {
            loaded = try ScenarioLoader.load(path: options.scenarioOptions.catalogue.path(for: scenario))
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
            messages: options.messages ?? loaded.workload.messages,
            deliveriesPerMessage: deliveries ?? loaded.workload.deliveriesPerMessage,
            concurrentDeliveries: concurrent ?? min(loaded.workload.concurrentDeliveries, deliveries ?? .max)
        )
        guard workload.concurrentDeliveries <= workload.deliveriesPerMessage else {
            Console.error("error: --concurrent (\(workload.concurrentDeliveries)) cannot exceed --deliveries (\(workload.deliveriesPerMessage))")
            throw ExitCode(ExitStatus.usage)
        }
        let started = Date()
        let stores: any StoreProvider
        do {
            stores = try StoreOption(parsing: options.store).makeProvider(stamp: Timestamp.folder(started))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        defer { stores.finish() }
        let store: any Store
        do {
            store = try stores.makeStore(scenario: loaded.name, seed: runSeed)
        } catch {
            Console.error("error: cannot make a store on \(stores.commandLineValue): \(error.message)")
            throw ExitCode(ExitStatus.storeFailed)
        }

        let configuration = RunConfiguration(
            scenario: byName ? scenario : loaded.source.path, workers: options.workers, messages: workload.messages,
            deliveriesPerMessage: workload.deliveriesPerMessage, concurrentDeliveries: workload.concurrentDeliveries,
            seed: runSeed, store: stores.commandLineValue, scenariosDirectory: byName ? options.scenarioOptions.directory : nil,
            scheduler: options.schedulerChoice, disabledFaults: disabledFaults, deadlineMillisOverride: deadline.flatMap(deadlineMillis),
            memoryBudgetBytes: options.memoryBudgetBytes
        )
        let progress = RunProgress()
        let engine = RunEngine(scenario: loaded, configuration: configuration, store: store, progress: progress)
        let progressLine = Console.standardErrorIsTerminal && !options.json ? ProgressLine.make(scenario: loaded.name, progress: progress) : nil
        progressLine?.start()
        var outcome = await engine.run(startedAt: Timestamp.iso8601(started))
        progressLine?.stop()
        if checkDeterminism, outcome.report.status == .held || outcome.report.status == .violated {
            outcome = await DeterminismCheck(scenario: loaded, configuration: configuration, first: outcome, stores: stores)
                .rerun(startedAt: Timestamp.iso8601(started))
        }
        outcome = ReproLine.stamped(outcome)

        let directory = RunReportFiles.write(outcome, store: store, started: started, root: options.reportDirectory)
        stores.discard(store)
        if let junit = options.junit {
            do {
                try JUnitWriter.write(JUnitReport.run(outcome.report), to: junit)
            } catch {
                Console.error("warning: could not write the JUnit file \(junit): \(error.localizedDescription)")
            }
        }
        if options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(outcome.report), as: UTF8.self))
        } else {
            print(TerminalSummary.render(outcome.report, reportDirectory: directory))
        }
        let code = outcome.report.status.exitCode
        if code != 0 { throw ExitCode(code) }
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
            if outcome.report.status != .held {
                do {
                    try store.snapshot(into: directory)
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
