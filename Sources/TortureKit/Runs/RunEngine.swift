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
        public var throughput: ThroughputSeries
    }

    /// `startedAt` is the wall-clock stamp to print; the engine itself only reads the injected clock.
    public func run(startedAt: String) async -> Outcome {
        let stop = RunStop()
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
        var busyMeansYield = false
        var sessions: (any ServerSessions)?
        if let simulation {
            switch store.simulation {
            case .supported(let simulated, let yields):
                store = simulated
                busyMeansYield = yields
            case .sessions(let simulated, let serverSessions):
                store = simulated
                sessions = serverSessions
                simulation.whenIdle { serverSessions.waitForParked() }
            case .unsupported(let reason):
                var partial = PartialRun(planHash: 0, stepNames: stepNames)
                partial.fail(.scenarioInvalid, "--scheduler \(configuration.scheduler) cannot run on \(store.dialect): \(reason)")
                return finish(partial, startNanos: 0, startedAt: startedAt)
            }
        }
        let startNanos = clock.nowNanos()
        let plan = FaultPlan(seed: configuration.seed, profile: scenario.faults)
        let planHash = plan.planHash(workload: configuration.workload, policy: scenario.delivery)
        var partial = PartialRun(planHash: planHash, stepNames: stepNames)

        guard scenario.dialects.contains(store.dialect) else {
            partial.fail(.scenarioInvalid, "scenario \(scenario.name) has no \(store.dialect.rawValue) SQL; add `\(store.dialect.rawValue):` to its schema and every statement")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        do {
            try store.createRunSpace(workers: processorCount)
        } catch {
            partial.fail(.storeFailed, "cannot start a run on \(store.displayName): \(error.message)")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        await runInSpace(&partial, plan: plan, store: store, clock: clock, simulation: simulation, busyMeansYield: busyMeansYield, sessions: sessions, stop: stop)
        sessions?.close()
        partial.lockWaits = sessions?.lockWaits
        partial.keptRunSpace = settleRunSpace(status: partial.status)
        return finish(partial, startNanos: startNanos, startedAt: startedAt)
    }

    private var stepNames: [String] { scenario.handler.steps.map(\.name) }

    /// Set-up, processors and checks, once the run's space exists in the store.
    private func runInSpace(
        _ partial: inout PartialRun, plan: FaultPlan, store: any Store, clock: any TortureClock, simulation: SimulationScheduler?,
        busyMeansYield: Bool, sessions: (any ServerSessions)?, stop: RunStop
    ) async {
        do {
            try StoreSetup(scenario: scenario, dialect: store.dialect, messages: configuration.messages).prepare(store)
        } catch let failure {
            partial.fail(failure.status, failure.reason)
            return
        }

        let schedule = DeliverySchedule(seed: configuration.seed, workload: configuration.workload)
        let broker = Broker(schedule: schedule, policy: scenario.delivery)
        progress.start(total: schedule.count * scenario.delivery.subscribers)
        let abort = RunAbort()
        let context = ProcessorContext(
            handler: scenario.handler, deadLetter: scenario.tables.deadLetter[store.dialect],
            onError: scenario.onError, seed: configuration.seed, plan: plan, broker: broker,
            clock: clock, store: store, progress: progress, abort: abort, simulated: simulation != nil,
            busyMeansYield: busyMeansYield, sessions: sessions,
            latency: simulation == nil ? nil : scenario.simulatedLatency ?? SimulatedLatency.defaults(for: store.dialect),
            deadlineNanos: UInt64(configuration.deadlineMillis(policy: scenario.delivery)) * 1_000_000,
            stop: stop, historyBudget: configuration.historyBudget,
            historyShareBytes: configuration.historyBudget.shareBytes(logs: processorCount)
        )

        let (results, processingNanos, statistics) = await runProcessors(context, simulation: simulation)
        partial.processingNanos = processingNanos
        partial.simulation = statistics
        for result in results { partial.absorb(result) }
        partial.history = History(logs: results.map(\.log))
        // One pass for everything that reads the history: the tally, the checkers, the report.
        let queue = QueueTally(messages: configuration.messages, subscribers: scenario.delivery.subscribers,
                               deliveriesPerMessage: configuration.deliveriesPerMessage)
        let observers = checkers.map { ($0 as? any StreamingChecker)?.makeObserver(messages: configuration.messages, policy: scenario.delivery) }
        partial.pass = HistoryPass.run(partial.history, queue: queue, observers: observers.compactMap { $0 })
        partial.queue = queue.counts

        if let spillError = results.lazy.compactMap(\.spillError).first {
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
                deadlineMillis: configuration.deadlineMillis(policy: scenario.delivery), jobBudgetExhausted: statistics?.budgetExhausted == true)]
            partial.status = .violated
            return
        }
        do {
            partial.verdicts = try check(partial.history, queue: queue, observers: observers, store: store)
            partial.status = partial.verdicts.allSatisfy(\.held) ? .held : .violated
        } catch {
            partial.fail(.storeFailed, "checking the final store: \(error)")
        }
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

    /// One executor per processor: a thread each, or a lane of the simulation. All connect first;
    /// then all run at once; the processing time counts from the start of the second phase.
    private func runProcessors(
        _ context: ProcessorContext, simulation: SimulationScheduler?
    ) async -> (results: [ProcessorResult], processingNanos: UInt64, statistics: SimulationScheduler.Statistics?) {
        let clock = context.clock
        guard let simulation else {
            let executors = (0..<processorCount).map { ThreadExecutor(name: "torture-\(Names.worker($0))") }
            defer { executors.forEach { $0.shutdown() } }
            let processors = executors.enumerated().map { Processor(worker: $0, context: context, executor: $1) }
            let (results, nanos) = await Self.connectAndRun(processors, clock: clock, preferring: nil)
            return (results, nanos, nil)
        }
        let processors = (0..<processorCount).map { Processor(worker: $0, context: context, executor: simulation.makeLane()) }
        let taskExecutor = simulation.taskExecutor
        let (value, statistics) = await simulation.run {
            await Self.connectAndRun(processors, clock: clock, preferring: taskExecutor)
        }
        return (value?.0 ?? [], value?.1 ?? 0, statistics)
    }

    private static func connectAndRun(
        _ processors: [Processor], clock: any TortureClock, preferring taskExecutor: (any TaskExecutor)?
    ) async -> ([ProcessorResult], UInt64) {
        await withTaskGroup(of: Void.self) { group in
            for processor in processors { group.addTask(executorPreference: taskExecutor) { await processor.connect() } }
        }
        let startNanos = clock.nowNanos()
        let results = await withTaskGroup(of: (Int, ProcessorResult).self) { group in
            for processor in processors {
                group.addTask(executorPreference: taskExecutor) { (processor.worker, await processor.run(startNanos: startNanos)) }
            }
            var results: [(Int, ProcessorResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return (results, clock.nowNanos() &- startNanos)
    }

    /// `--workers`, capped by the scenario's concurrency cap.
    public var processorCount: Int {
        min(configuration.workers, scenario.workload.concurrencyCap ?? .max)
    }

    /// `observers[i]` is checker i's from the pass, when it streams.
    private func check(
        _ history: History, queue: QueueTally, observers: [(any CheckingObserver)?], store: any Store
    ) throws(StoreError) -> [Verdict] {
        let connection = try store.connect()
        defer { connection.close() }
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
        return verdicts
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
            keptRunSpace: partial.keptRunSpace
        )
        return Outcome(report: report, history: partial.history, endToEnd: partial.latency.endToEnd, throughput: partial.pass.throughput)
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
}
