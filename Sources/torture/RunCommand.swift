import ArgumentParser
import Foundation
import TortureKit

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one scenario once: many processors, seeded faults, invariants checked.",
        discussion: """
            Exits 0 when every invariant held, 1 when one was violated (and prints the line that \
            reproduces the run), 2 for a wrong command line or scenario, 3 when the store failed or the \
            report could not be written, 130 / 143 after SIGINT / SIGTERM (the partial report is written \
            and the store removed, within two seconds). The report is written to \
            <report-dir>/<scenario>/<yyyymmdd-hhmmss>-<seed>/.

            Examples:
              torture run race-claim --workers 64
              torture run race-claim-naive --seed 0x5eed            # caught: exit 1, witnesses, repro line
              torture run race-claim --store postgres://me@db/torture --workers 64
              torture run race-claim-naive --scheduler sim --seed 3  # one interleaving, replayable
              torture run ./my-scenario.yaml --messages 200 --junit reports/junit.xml
            """
    )

    @Argument(help: ArgumentHelp("Scenario name (see `torture list`) or path to a scenario file.", valueName: "scenario"),
              completion: ScenarioCompletion.kind)
    var scenario: String

    @OptionGroup var options: RunOptions

    @Option(help: ArgumentHelp("Deliveries per message (default: the scenario's).", valueName: "n"))
    var deliveries: Int?

    @Option(help: ArgumentHelp("How many of a message's deliveries arrive at once (default: the scenario's).", valueName: "n"))
    var concurrent: Int?

    @Option(help: ArgumentHelp("64-bit seed, decimal or 0x-hex (default: drawn from the OS and printed).", valueName: "seed"))
    var seed: String?

    @Flag(name: .customLong("check-determinism"), help: "Run the seed twice in simulation and fail if the histories differ, naming the first event where they do. The exit code then says only that: 0 for the same history twice, even if an invariant was violated both times.")
    var checkDeterminism = false

    @Option(name: .customLong("disable-fault"), help: ArgumentHelp(
        "Switch off one of the scenario's fault rules, as kind@point (e.g. delay@after-read); repeatable. `torture shrink` prints these.",
        valueName: "kind@point"))
    var disabledFaults: [String] = []

    @Option(name: .customLong("swarm-choices"), help: ArgumentHelp(
        "A swarm run's latency profile and fault intensities, as its repro line gives them: "
            + "latency=none|mild|heavy-tailed|slow-worker:N|as-declared, then kind@point=FACTOR (0 switches a rule off).",
        valueName: "choices"))
    var swarmChoices: String?

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
        if options.swarm, swarmChoices != nil {
            throw ValidationError("--swarm draws the choices --swarm-choices gives: use one of them")
        }
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
        let interruption = RunInterruption()
        let signals = InterruptSignals(deadlineSeconds: Self.signalDeadlineSeconds, onSignal: { interruption.interrupt(signal: $0) })
        signals.start()
        let runSeed = seed.flatMap(Seed.init(parsing:)) ?? Seed(UInt64.random(in: .min ... .max))
        if seed == nil { Console.error("seed \(runSeed) (drawn; pass --seed \(runSeed) to repeat)") }

        let loaded: Scenario
        let scenarioPath: String
        let byName = !(scenario.contains("/") || scenario.hasSuffix(".yaml") || scenario.hasSuffix(".yml"))
        do {
            scenarioPath = try options.scenarioOptions.catalogue.path(for: scenario)
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
        let arrivalOverride = try options.arrivalOverride
        let workload = Workload(
            messages: options.messages ?? loaded.workload.messages,
            deliveriesPerMessage: deliveries ?? loaded.workload.deliveriesPerMessage,
            concurrentDeliveries: concurrent ?? min(loaded.workload.concurrentDeliveries, deliveries ?? .max),
            arrival: arrivalOverride ?? loaded.workload.arrival
        )
        guard workload.concurrentDeliveries <= workload.deliveriesPerMessage else {
            Console.error("error: --concurrent (\(workload.concurrentDeliveries)) cannot exceed --deliveries (\(workload.deliveriesPerMessage))")
            throw ExitCode(ExitStatus.usage)
        }
        let pinnedSwarm = try swarmChoices.map { try Self.swarmChoices($0, of: loaded) }
        let started = Date()
        let stores: any StoreProvider
        do {
            stores = try StoreOption(parsing: options.store).makeProvider(stamp: Timestamp.folder(started))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        let store: any Store
        do {
            store = try stores.makeStore(scenario: loaded.name, seed: runSeed)
        } catch {
            stores.finish()
            Console.error("error: cannot make a store on \(stores.commandLineValue): \(error.message)")
            throw ExitCode(ExitStatus.storeFailed)
        }

        var configuration = RunConfiguration(
            scenario: byName ? scenario : loaded.source.path, workers: options.workers, messages: workload.messages,
            deliveriesPerMessage: workload.deliveriesPerMessage, concurrentDeliveries: workload.concurrentDeliveries,
            seed: runSeed, store: stores.commandLineValue,
            scenariosDirectory: byName ? options.scenarioOptions.catalogue.directory(ofPath: scenarioPath) : nil,
            scheduler: options.schedulerChoice, disabledFaults: disabledFaults, deadlineMillisOverride: deadline.flatMap(deadlineMillis),
            memoryBudgetBytes: options.memoryBudgetBytes, arrival: workload.arrival,
            arrivalOverridesScenario: arrivalOverride != nil
        )
        if options.swarm {
            configuration = configuration.swarmed(for: loaded)
            Console.error("swarm drew: workers \(configuration.workers), messages \(configuration.messages), arrival \(configuration.arrival), "
                + (configuration.swarm?.words ?? ""))
        } else {
            configuration.swarm = pinnedSwarm
        }
        let progress = RunProgress()
        let engine = RunEngine(scenario: loaded, configuration: configuration, store: store, progress: progress)
        let progressLine = Console.standardErrorIsTerminal && !options.json ? ProgressLine.make(scenario: loaded.name, progress: progress) : nil
        let writer = FinalWriter()
        let output = RunOutput(options: options, started: started, stores: stores, store: store)
        signals.onDeadline { signal in
            // The run did not wind down in time: report that, drop (or name) its space, and go.
            guard writer.claim() else { return }
            progressLine?.stop()
            let outcome = engine.abandoned(startedAt: Timestamp.iso8601(started), signal: signal, keptRunSpace: RunOutput.dropOrKeep(store))
            let code = output.finish(ReproLine.stamped(outcome), exitCode: 128 + signal)
            signals.finishedReport()
            exitNow(code)
        }
        progressLine?.start()
        var outcome = await engine.run(startedAt: Timestamp.iso8601(started), interruption: interruption)
        guard writer.claim() else {
            // The signal's deadline is writing the report and will exit: do not race it.
            try await Task.sleep(for: .seconds(10))
            return
        }
        progressLine?.stop()
        if let note = (store as? PostgresStore)?.confinementNote { Console.error("note: \(note)") }
        if checkDeterminism, outcome.report.status == .held || outcome.report.status == .violated {
            outcome = await DeterminismCheck(scenario: loaded, configuration: configuration, first: outcome, stores: stores)
                .rerun(startedAt: Timestamp.iso8601(started))
        }
        outcome = ReproLine.stamped(outcome)
        let signal = interruption.signalNumber
        var exitCode = signal.map { 128 + $0 } ?? outcome.report.status.exitCode
        // With --check-determinism the exit code answers the question asked: did the seed give
        // the same history twice? A twin's violation that replays identically passes it.
        let determinism = outcome.report.verdicts.last { $0.invariant == DeterminismCheck.invariant }
        if checkDeterminism, signal == nil, let determinism {
            exitCode = determinism.held ? 0 : RunReport.Status.violated.exitCode
        }
        let code = output.finish(outcome, exitCode: exitCode)
        signals.finishedReport()
        if checkDeterminism, determinism?.held == true, outcome.report.status == .violated {
            Console.error("note: exit 0: the seed gave the same history twice; the run's own invariants were violated "
                + "(exit \(RunReport.Status.violated.exitCode) without --check-determinism)")
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// `--swarm-choices`, read and held to the scenario's fault rules.
    static func swarmChoices(_ text: String, of scenario: Scenario) throws -> SwarmChoices {
        let choices: SwarmChoices
        do {
            choices = try SwarmChoices(parsing: text)
        } catch {
            Console.error("error: --swarm-choices: \(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
        var rules = Set(scenario.faults.ruleNames)
        for actor in scenario.actors { rules.formUnion(actor.faults.ruleNames) }
        let unknown = choices.faultScales.keys.filter { !rules.contains($0) }.sorted()
        guard unknown.isEmpty else {
            Console.error("error: --swarm-choices \(unknown.joined(separator: ", ")): not a rule of \(scenario.name); its rules: "
                + (rules.isEmpty ? "none" : rules.sorted().joined(separator: ", ")))
            throw ExitCode(ExitStatus.usage)
        }
        return choices
    }

    /// After a signal the run winds down and reports; past this it is abandoned, so the whole
    /// exit (report, cleanup) stays within two seconds.
    static let signalDeadlineSeconds = 1.0
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
