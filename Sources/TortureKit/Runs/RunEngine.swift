public import Histogram

/// One run: scenario → fault plan → processors against the store → history → verdicts → report.
public struct RunEngine: Sendable {
    public let scenario: Scenario
    public let configuration: RunConfiguration
    public let store: any Store
    /// What the run checks: by default the scenario's invariants from `CheckerCatalogue`, then
    /// the scenario's own checkers.
    public let checkers: [any Checker]
    public let clock: any TortureClock
    public let progress: RunProgress

    public init(
        scenario: Scenario, configuration: RunConfiguration, store: any Store, checkers: [any Checker]? = nil,
        clock: any TortureClock = RealClock(), progress: RunProgress = RunProgress()
    ) {
        precondition(configuration.workers >= 1 && configuration.messages >= 1, "a run needs workers and messages")
        var scenario = scenario
        scenario.faults = scenario.faults.disabling(configuration.disabledFaults).profile
        // A rule switched off (by shrink, or --disable-fault) is off for the actors too.
        for index in scenario.actors.indices {
            scenario.actors[index].faults = scenario.actors[index].faults.disabling(configuration.disabledFaults).profile
        }
        if let swarm = configuration.swarm {
            scenario.faults = swarm.scaled(scenario.faults)
            for index in scenario.actors.indices { scenario.actors[index].faults = swarm.scaled(scenario.actors[index].faults) }
            scenario.simulatedLatency = swarm.latencyModel(declared: scenario.simulatedLatency, dialect: store.dialect)
        }
        self.scenario = scenario
        self.configuration = configuration
        self.store = store
        self.checkers = checkers ?? CheckerCatalogue.checkers(for: scenario.invariants, dialect: store.dialect) + scenario.checkers
        self.clock = clock
        self.progress = progress
    }

    /// The report, the history (the processors' logs, merged when read) and the end-to-end
    /// histogram (for `latency.hgrm`) and deliveries over time (for the HTML chart).
    public struct Outcome: Sendable {
        public var report: RunReport
        public var history: History
        public var endToEnd: Histogram<UInt64>
        /// Deliveries over time, for the HTML chart.
        public var throughput: ThroughputSeries
        /// One per protocol step, in step order: the HTML report's percentile plot.
        public var steps: [Histogram<UInt64>] = []
        /// A handler process's stderr per worker (its last 256 KiB): `handler-stderr/w-03.log`.
        public var handlerStderr: [String: String] = [:]
    }

    /// `startedAt` is the wall-clock stamp to print; the engine itself only reads the injected clock.
    /// An `interruption` ends the run early: what was recorded is reported as `interrupted`.
    public func run(startedAt: String, interruption: RunInterruption? = nil) async -> Outcome {
        let stop = RunStop()
        let watch = interruption?.watch(stop)
        defer { if let watch { interruption?.unwatch(watch) } }
        var engine = self
        engine.interruption = interruption
        return await engine.run(startedAt: startedAt, stop: stop)
    }

    private var interruption: RunInterruption?

    private func run(startedAt: String, stop: RunStop) async -> Outcome {
        guard configuration.scheduler.isSimulated else { return await run(startedAt: startedAt, simulation: nil, stop: stop) }
        let strategy: SimulationScheduler.Strategy = switch configuration.scheduler {
        case .pct(let depth): .pct(depth: depth, horizon: Self.pctHorizon(configuration))
        default: .random
        }
        let scheduler = SimulationScheduler(
            seed: configuration.seed, strategy: strategy, jobBudget: Self.jobBudget(configuration, scenario.delivery),
            onBudgetExhausted: { stop.set() })
        var simulated = self
        simulated.clockOverride = SimulatedClock(scheduler: scheduler)
        return await simulated.run(startedAt: startedAt, simulation: scheduler, stop: stop)
    }

    /// PCT spreads its change points over the steps a run is expected to take: about a few dozen
    /// scheduler jobs per delivery.
    static func pctHorizon(_ configuration: RunConfiguration) -> Int {
        max(1_000, configuration.messages * configuration.deliveriesPerMessage * 40)
    }

    /// Scheduler jobs a simulated run may take before it is called stuck: far above the few
    /// dozen a delivery needs, so only a run that spins without finishing reaches it.
    static func jobBudget(_ configuration: RunConfiguration, _ policy: DeliveryPolicy) -> Int {
        10_000_000 + 2_000 * configuration.messages * configuration.deliveriesPerMessage * policy.subscribers * policy.maxReceiveCount
    }

    private var clockOverride: (any TortureClock)?
    private var activeClock: any TortureClock { clockOverride ?? clock }

    private func run(startedAt: String, simulation: SimulationScheduler?, stop: RunStop) async -> Outcome {
        let clock = activeClock
        var store = self.store
        var mode = ExecutionMode.threads
        var sessions: (any ServerSessions)?
        var handlerTurns: HandlerTurns?
        let process = scenario.handler as? ProcessHandler
        let wireRules = scenario.faults.rulesNeedingProxy(processHandler: process != nil)
        if !wireRules.isEmpty, process == nil || process?.wire == .direct || store.dialect != .postgres {
            var partial = PartialRun(planHash: 0, stepNames: stepNames)
            let rules = wireRules
            partial.fail(.scenarioInvalid, "\(rules.joined(separator: ", ")) happen on the wire, in torture's proxy between a handler "
                + "process and PostgreSQL: this run has none ("
                + (process == nil ? "its handler is not a process" : process?.wire == .direct ? "its handler says `wire: direct`"
                    : "SQLite has no wire") + "); run it with --store postgres://… and the handler's `wire: proxy`")
            return finish(partial, startNanos: 0, startedAt: startedAt)
        }
        if simulation != nil, let process, let reason = Self.simulationRefusal(process, dialect: store.dialect) {
            var partial = PartialRun(planHash: 0, stepNames: stepNames)
            partial.fail(.scenarioInvalid, "scenario \(scenario.name) runs its handler as a process: \(reason); "
                + "run it on threads (drop --scheduler \(configuration.scheduler)), where replay and shrink work too")
            return finish(partial, startNanos: 0, startedAt: startedAt)
        }
        if let simulation {
            let latency = scenario.simulatedLatency ?? SimulatedLatency.defaults(for: store.dialect)
            switch store.simulation {
            case .supported(let simulated, let yields):
                store = simulated
                mode = .simulation(SimulatedExecution(latency: latency, storeAccess: .direct(busyMeansYield: yields)))
            case .sessions(let simulated, let serverSessions):
                store = simulated
                sessions = serverSessions
                mode = .simulation(SimulatedExecution(latency: latency, storeAccess: .sessions(serverSessions)))
                let turns = process == nil ? nil : (simulated as? PostgresStore).map(HandlerTurns.init)
                handlerTurns = turns
                simulation.whenIdle { serverSessions.waitForParked() || turns?.waitForParked() == true }
            case .unsupported(let reason):
                var partial = PartialRun(planHash: 0, stepNames: stepNames)
                partial.fail(.scenarioInvalid, "--scheduler \(configuration.scheduler) cannot run on \(store.dialect): \(reason)")
                return finish(partial, startNanos: 0, startedAt: startedAt)
            }
        }
        let startNanos = clock.nowNanos()
        let plan = FaultPlan(seed: configuration.seed, profile: scenario.faults, engineCarriesWire: !(scenario.handler is ProcessHandler))
        let planHash = Self.planHash(plan, configuration: configuration, scenario: scenario)
        var partial = PartialRun(planHash: planHash, stepNames: stepNames)

        guard scenario.dialects.contains(store.dialect) else {
            partial.fail(.scenarioInvalid, "scenario \(scenario.name) has no \(store.dialect.rawValue) SQL; add `\(store.dialect.rawValue):` to its schema and every statement")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        do {
            try store.createRunSpace(workers: processorCount + actorInstanceCount)
        } catch {
            partial.fail(.storeFailed, "cannot start a run on \(store.displayName): \(error.message)")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        await runInSpace(&partial, plan: plan, store: store, clock: clock, simulation: simulation, mode: mode, turns: handlerTurns, stop: stop)
        sessions?.close()
        if let lockWaits = sessions?.lockWaits { partial.lockWaits = (partial.lockWaits ?? 0) + lockWaits }
        partial.keptRunSpace = settleRunSpace(status: partial.status)
        return finish(partial, startNanos: startNanos, startedAt: startedAt)
    }

    private var stepNames: [String] { scenario.handler.steps.map(\.name) }

    /// Why a handler process cannot be simulated here, if it cannot: the simulation orders what
    /// reaches the server at torture's wire proxy, so it needs PostgreSQL and the proxy.
    static func simulationRefusal(_ process: ProcessHandler, dialect: Dialect) -> String? {
        if dialect != .postgres {
            return "a seeded simulation orders a handler's statements at torture's PostgreSQL wire proxy, and SQLite has no wire: "
                + "its locks are taken inside the handler's own process, where no driver can see or order them"
        }
        if process.wire == .direct {
            return "its handler says `wire: direct`, so its statements bypass the proxy where the simulation orders them"
        }
        return nil
    }

    /// The processors' plan, and with actors each actor's first ticks folded in after it.
    private static func planHash(_ plan: FaultPlan, configuration: RunConfiguration, scenario: Scenario) -> UInt64 {
        let processors = plan.planHash(workload: configuration.workload, policy: scenario.delivery)
        guard !scenario.actors.isEmpty else { return processors }
        var hasher = ContentHash()
        hasher.add(processors)
        for actor in scenario.actors {
            hasher.add(FaultPlan(seed: configuration.seed, profile: actor.faults).planHash(actorKey: actor.key, instances: actor.schedule.instances))
        }
        return hasher.value
    }

    /// Set-up, processors and checks, once the run's space exists in the store.
    private func runInSpace(
        _ partial: inout PartialRun, plan: FaultPlan, store: any Store, clock: any TortureClock, simulation: SimulationScheduler?,
        mode: ExecutionMode, turns: HandlerTurns?, stop: RunStop
    ) async {
        assert((simulation == nil) == (mode.simulation == nil), "a simulated run has a simulated mode, and only it")
        do {
            try StoreSetup(scenario: scenario, dialect: store.dialect, messages: configuration.messages)
                .prepare(store, interrupted: { interruption?.signalNumber != nil })
        } catch let failure {
            partial.fail(failure.status, failure.reason)
            return
        }

        if let signal = interruption?.signalNumber {
            partial.fail(.interrupted, "interrupted by signal \(signal) while setting up the store")
            return
        }
        let schedule = DeliverySchedule(seed: configuration.seed, workload: configuration.workload)
        let broker = Broker(schedule: schedule, policy: scenario.delivery, startNanos: clock.nowNanos())
        progress.start(total: schedule.count * scenario.delivery.subscribers)
        let abort = RunAbort()
        var processes: HandlerProcesses?
        if let process = scenario.handler as? ProcessHandler {
            guard let database = HandlerDatabase.connection(for: store) else {
                partial.fail(.scenarioInvalid, "a handler process reaches SQLite or PostgreSQL, not \(store.displayName)")
                return
            }
            var wire: HandlerWire?
            if let postgres = store as? PostgresStore, process.wire == .proxy {
                do {
                    wire = try HandlerWire(keywords: postgres.keywords(asRunRole: true), plan: plan,
                                           turns: turns)
                } catch {
                    partial.fail(.storeFailed, "cannot start the wire proxy for the handler's connections: \(error)")
                    return
                }
            }
            do {
                processes = try HandlerProcesses(handler: process, facts: HandlerRunFacts(
                    scenario: scenario.name, dialect: store.dialect, database: database, seed: configuration.seed), wire: wire)
            } catch {
                wire?.stop()
                partial.fail(.storeFailed, error.description)
                return
            }
        }
        defer {
            if let processes {
                if let turns = processes.turns {
                    partial.lockWaits = (partial.lockWaits ?? 0) + turns.lockWaits
                    turns.closeMonitor()
                }
                processes.stopAll()
                (partial.handler, partial.handlerStderr) = processes.summary()
                processes.removeFiles()
            }
        }
        var context = ProcessorContext(
            handler: scenario.handler, deadLetter: scenario.tables.deadLetter[store.dialect],
            onError: scenario.onError, seed: configuration.seed, plan: plan, broker: broker,
            clock: clock, store: store, progress: progress, abort: abort, mode: mode,
            deadlineAfterNanos: UInt64(configuration.deadlineMillis(policy: scenario.delivery)) * 1_000_000,
            stop: stop, historyBudget: configuration.historyBudget,
            // Every processor and every actor instance keeps a log of its own.
            historyShareBytes: configuration.historyBudget.shareBytes(logs: processorCount + actorInstanceCount)
        )
        context.handlerProcesses = processes
        context.until = scenario.until?[store.dialect]

        let (results, actorResults, processingNanos, statistics) = await runParticipants(context, simulation: simulation)
        partial.processingNanos = processingNanos
        partial.simulation = statistics
        for result in results { partial.absorb(result) }
        for result in actorResults { partial.absorb(result) }
        partial.actors = actorResults.map(\.summary)
        let logs = results.map(\.log) + actorResults.map(\.log)
        // Checked first: a run cut short has unfinished messages, which no checker must read as lost.
        if let signal = interruption?.signalNumber {
            partial.fail(.interrupted, interruptedReason(signal: signal, logs: logs, into: &partial))
            return
        }
        partial.history = History(logs: logs)
        // One pass for everything that reads the history: the tally, the checkers, the report.
        let queue = QueueTally(messages: configuration.messages, subscribers: scenario.delivery.subscribers,
                               deliveriesPerMessage: configuration.deliveriesPerMessage)
        let observers = checkers.map { ($0 as? any StreamingChecker)?.makeObserver(messages: configuration.messages, policy: scenario.delivery) }
        let coverage = CoverageObserver(scenario: scenario)
        partial.pass = HistoryPass.run(partial.history, queue: queue, observers: observers.compactMap { $0 }, coverage: coverage,
                                       deliveries: partial.counts.deliveries)
        partial.queue = queue.counts
        let counters = coverage.counters
        // Told without the store until the checks run; a run that ends before them knows no `sql` condition.
        partial.coverage = RunCoverage(counters: counters, sometimes: SometimesEvaluation.outcomes(scenario.sometimes, counters: counters))

        if let spillError = (results.map(\.spillError) + actorResults.map(\.spillError)).lazy.compactMap({ $0 }).first {
            partial.fail(.storeFailed, "the history could not be kept: \(spillError.message)")
            return
        }

        if let statistics, statistics.foreignEnqueues > 0 || (statistics.deadlocked && !statistics.budgetExhausted) {
            partial.fail(.simulationBroken, statistics.deadlocked
                ? "the simulation deadlocked: nothing runnable, no timer due, processors unfinished"
                : "\(statistics.foreignEnqueues) jobs were enqueued from outside the simulation's thread: this run would not replay")
            return
        }
        if let reason = abort.message {
            partial.fail(.storeFailed, reason)
            return
        }
        let stuck = results.filter(\.gaveUp).count
        if stuck > 0 || statistics?.budgetExhausted == true {
            partial.verdicts = [LivenessVerdict.make(
                lastEventPerWorker: partial.pass.lastEventPerWorker, queue: queue, processorsAtDeadline: stuck,
                deadlineMillis: configuration.deadlineMillis(policy: scenario.delivery), jobBudgetExhausted: statistics?.budgetExhausted == true,
                processors: processorCount)]
            partial.status = .violated
            return
        }
        do {
            let checked = try check(partial.history, queue: queue, observers: observers, counters: counters, store: store)
            partial.verdicts = checked.verdicts
            partial.coverage?.sometimes = checked.sometimes
            partial.status = partial.verdicts.allSatisfy(\.held) ? .held : .violated
        } catch {
            // A store that answers but refuses a check's query: the scenario's SQL, not the machine.
            partial.fail(error.isUnavailable ? .storeFailed : .scenarioInvalid, "checking the final store: \(error)")
        }
    }

    /// Events of an interrupted run's history merged into its report at most: merging, hashing and
    /// writing a long history takes seconds, and a signal allows two. Counts, latencies and faults
    /// come from the processors directly and are always there.
    static let interruptedHistoryLimit = 5_000

    /// What an interrupted run reports, keeping its history when it is short enough. The logs
    /// count their events as they write them: nothing is decoded to decide. A kept history is
    /// hashed in one pass over it (the report's `historyHash`); the checkers' observers are not
    /// run on it.
    private func interruptedReason(signal: Int32, logs: [SealedLog], into partial: inout PartialRun) -> String {
        let reason = "interrupted by signal \(signal) after \(partial.counts.deliveries) deliveries: what ran is recorded, with no verdict"
        let events = logs.reduce(0) { $0 + $1.count }
        guard events <= Self.interruptedHistoryLimit else {
            return reason + "; its history (\(events) events) is left out, since a signal allows two seconds"
        }
        partial.history = History(logs: logs)
        partial.pass = HistoryPass.run(partial.history, queue: nil, observers: [], deliveries: partial.counts.deliveries)
        return reason
    }

    /// A violation keeps the run's space for a post-mortem; anything else drops it. A drop that
    /// fails (the store is gone) keeps it too, and says how to remove it by hand.
    private func settleRunSpace(status: RunReport.Status) -> RunSpace? {
        guard var space = store.runSpace else { return nil }
        if status == .violated {
            space.keptBecause = "an invariant was violated: the tables are kept for a post-mortem"
            return space
        }
        do {
            try store.dropRunSpace()
            return nil
        } catch {
            space.keptBecause = "dropping it failed: \(error.message)"
            return space
        }
    }

    /// `--workers`, capped by the scenario's concurrency cap.
    public var processorCount: Int {
        min(configuration.workers, scenario.workload.concurrencyCap ?? .max)
    }

    /// `observers[i]` is checker i's from the pass, when it streams. The `sometimes:` conditions
    /// are told in the same read-only transaction: they read the store the checkers read.
    private func check(
        _ history: History, queue: QueueTally, observers: [(any CheckingObserver)?], counters: [String: Int], store: any Store
    ) throws(StoreError) -> (verdicts: [Verdict], sometimes: [SometimesOutcome]) {
        let connection = try store.connect()
        defer { connection.close() }
        try connection.beginReadOnly()
        defer { try? connection.endReadOnly() }
        let input = CheckInput(history: history, messages: configuration.messages, policy: scenario.delivery, dialect: store.dialect,
                               store: connection, queue: queue)
        var verdicts: [Verdict] = []
        for (checker, observer) in zip(checkers, observers) {
            if let observer {
                verdicts.append(try observer.verdict(input))
            } else {
                verdicts.append(try checker.check(input))
            }
        }
        let sometimes = try SometimesEvaluation.outcomes(scenario.sometimes, counters: counters, store: connection, dialect: store.dialect)
        return (verdicts, sometimes)
    }

    /// The report of a run that did not stop within the time a signal allows, written by whoever
    /// gave up waiting for it: what it had recorded is out of reach, so it says only that, and
    /// where its space in the store is if that could not be dropped either.
    public func abandoned(startedAt: String, signal: Int32, keptRunSpace: RunSpace?) -> Outcome {
        var partial = PartialRun(planHash: 0, stepNames: stepNames)
        // The processors still hold their results; the live progress counts what they finished.
        partial.counts.deliveries = progress.deliveriesFinished
        partial.counts.failed = progress.deliveriesFailed
        partial.fail(.interrupted, "interrupted by signal \(signal) after \(partial.counts.deliveries) deliveries; the run did not stop "
            + "within the time a signal allows, so only its counts of finished deliveries are in this report")
        partial.keptRunSpace = keptRunSpace
        return finish(partial, startNanos: activeClock.nowNanos(), startedAt: startedAt)
    }

    private func finish(_ partial: PartialRun, startNanos: UInt64, startedAt: String) -> Outcome {
        let durationNanos = activeClock.nowNanos() &- startNanos
        let processingSeconds = Double(partial.processingNanos) / 1e9
        let report = RunReport(
            toolVersion: ToolVersion.current,
            scenario: .init(name: scenario.name, file: scenario.source.path, contentHash: scenario.source.contentHash.fixedHex,
                            seedSystem: scenario.seedSystem),
            parameters: configuration,
            store: store.displayName,
            status: partial.status,
            failureReason: partial.failureReason,
            verdicts: partial.verdicts,
            latency: .init(
                endToEnd: LatencySummary(partial.latency.endToEnd),
                steps: zip(partial.stepNames, partial.latency.steps).map { .init(step: $0, summary: LatencySummary($1)) }
            ),
            counts: partial.counts,
            queue: partial.queue,
            delivery: scenario.delivery,
            processors: processorCount,
            latencyBudgetMillis: scenario.workload.latencyBudgetMillis,
            historyEvents: partial.history.count,
            faults: .init(planHash: partial.planHash.fixedHex, firedTotal: partial.fired.total, firedByKindAndPoint: partial.fired.byKindAndPoint,
                          fired: partial.fired.firstFaults),
            timing: .init(startedAt: startedAt, durationMillis: Double(durationNanos) / 1e6,
                          processingMillis: processingSeconds * 1_000,
                          deliveriesPerSecond: processingSeconds > 0 ? Double(partial.counts.deliveries) / processingSeconds : 0),
            repro: "",
            historyHash: partial.pass.contentHash.fixedHex,
            simulation: partial.simulation.map { statistics in
                var simulation = RunReport.Simulation(statistics)
                simulation.lockWaits = partial.lockWaits
                return simulation
            },
            keptRunSpace: partial.keptRunSpace,
            actors: partial.actors.isEmpty ? nil : partial.actors,
            handler: partial.handler,
            coverage: partial.coverage
        )
        return Outcome(report: report, history: partial.history, endToEnd: partial.latency.endToEnd, throughput: partial.pass.throughput,
                       steps: partial.latency.steps, handlerStderr: partial.handlerStderr)
    }
}

/// What a run has gathered so far; a run that stops early still reports all of it.
private struct PartialRun {
    var planHash: UInt64
    var stepNames: [String]
    var status = RunReport.Status.held
    var failureReason: String?
    var verdicts: [Verdict] = []
    var latency: LatencyRecorder
    var counts = DeliveryCounts()
    var fired = FiredFaultTally()
    var queue: QueueCounts?
    var history = History.empty
    var pass = HistoryPass.empty
    var simulation: SimulationScheduler.Statistics?
    var lockWaits: Int?
    var keptRunSpace: RunSpace?
    var processingNanos: UInt64 = 0
    var actors: [ActorSummary] = []
    var handler: HandlerSummary?
    var handlerStderr: [String: String] = [:]
    var coverage: RunCoverage?

    init(planHash: UInt64, stepNames: [String]) {
        self.planHash = planHash
        self.stepNames = stepNames
        self.latency = LatencyRecorder(stepCount: stepNames.count)
    }

    mutating func fail(_ status: RunReport.Status, _ reason: String) {
        self.status = status
        self.failureReason = reason
        self.verdicts = []
    }

    mutating func absorb(_ result: ProcessorResult) {
        latency.merge(result.latency)
        counts.add(result.counts)
        fired.merge(result.fired)
    }

    /// An actor's steps are not in the latency histograms nor its ticks in the delivery counts.
    mutating func absorb(_ result: ActorResult) {
        fired.merge(result.fired)
    }
}
