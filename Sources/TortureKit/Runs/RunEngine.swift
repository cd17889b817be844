public import Histogram

/// One run: scenario → fault plan → processors against the store → history → verdicts → report.
public struct RunEngine: Sendable {
    public let scenario: Scenario
    public let configuration: RunConfiguration
    public let store: any Store
    public let clock: any TortureClock
    public let progress: RunProgress

    public init(
        scenario: Scenario, configuration: RunConfiguration, store: any Store,
        clock: any TortureClock = RealClock(), progress: RunProgress = RunProgress()
    ) {
        precondition(configuration.workers >= 1 && configuration.messages >= 1, "a run needs workers and messages")
        self.scenario = scenario
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.progress = progress
    }

    /// The report, the merged history and the end-to-end histogram (for `latency.hgrm`).
    public struct Outcome: Sendable {
        public var report: RunReport
        public var history: History
        public var endToEnd: Histogram<UInt64>
    }

    /// `startedAt` is the wall-clock stamp to print; the engine itself only reads the injected clock.
    public func run(startedAt: String) async -> Outcome {
        let startNanos = clock.nowNanos()
        let planHash = plan().planHash(messages: configuration.messages, attemptsPerMessage: configuration.deliveriesPerMessage)
        var partial = PartialRun(planHash: planHash, stepNames: scenario.processing.steps.map(\.name))

        guard scenario.dialects.contains(store.dialect) else {
            partial.fail(.scenarioInvalid, "scenario \(scenario.name) has no \(store.dialect.rawValue) SQL; add `\(store.dialect.rawValue):` to its schema and every statement")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        do {
            try store.createRunSpace(workers: configuration.workers)
        } catch {
            partial.fail(.storeFailed, "cannot start a run on \(store.displayName): \(error.message)")
            return finish(partial, startNanos: startNanos, startedAt: startedAt)
        }
        await runInSpace(&partial)
        partial.keptRunSpace = settleRunSpace(status: partial.status)
        return finish(partial, startNanos: startNanos, startedAt: startedAt)
    }

    /// Set-up, processors and checks, once the run's space exists in the store.
    private func runInSpace(_ partial: inout PartialRun) async {
        do {
            try StoreSetup(scenario: scenario, dialect: store.dialect, messages: configuration.messages).prepare(store)
        } catch let failure {
            partial.fail(failure.status, failure.reason)
            return
        }

        let schedule = DeliverySchedule.make(seed: configuration.seed, workload: configuration.workload)
        let broker = Broker(schedule: schedule, messages: configuration.messages)
        progress.start(total: schedule.count)
        let abort = RunAbort()
        let context = ProcessorContext(
            steps: scenario.processing.steps.map { step in
                ProcessorContext.Step(
                    name: step.name, role: step.role, statement: step.sql[store.dialect]!,
                    success: step.success, onSuccess: step.onSuccess, onFailure: step.onFailure
                )
            },
            transaction: scenario.processing.transaction, seed: configuration.seed, plan: plan(), broker: broker,
            clock: clock, store: store, progress: progress, abort: abort
        )

        let processingStartNanos = clock.nowNanos()
        let results = await runProcessors(context)
        partial.processingNanos = clock.nowNanos() &- processingStartNanos
        for result in results { partial.absorb(result) }
        partial.history = History(merging: results.map(\.log))

        if let reason = abort.message {
            partial.fail(.storeFailed, reason)
            return
        }
        do {
            partial.verdicts = try check(partial.history)
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

    private func plan() -> FaultPlan {
        FaultPlan(seed: configuration.seed, profile: scenario.faults)
    }

    /// One thread-backed executor per processor; all of them run at once and are shut down after.
    private func runProcessors(_ context: ProcessorContext) async -> [ProcessorResult] {
        let executors = (0..<configuration.workers).map { ThreadExecutor(name: "torture-\(Names.worker($0))") }
        defer { executors.forEach { $0.shutdown() } }
        let processors = executors.enumerated().map { worker, executor in
            Processor(worker: worker, context: context, executor: executor)
        }
        return await withTaskGroup(of: (Int, ProcessorResult).self) { group in
            for processor in processors {
                group.addTask { (processor.worker, await processor.run()) }
            }
            var results: [(Int, ProcessorResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func check(_ history: History) throws(StoreError) -> [Verdict] {
        let connection = try store.connect()
        defer { connection.close() }
        let input = CheckInput(history: history, messages: configuration.messages, dialect: store.dialect, store: connection)
        var verdicts: [Verdict] = []
        for invariant in scenario.invariants {
            verdicts.append(try CheckerCatalogue.checker(for: invariant, dialect: store.dialect).check(input))
        }
        return verdicts
    }

    private func finish(_ partial: PartialRun, startNanos: UInt64, startedAt: String) -> Outcome {
        let durationNanos = clock.nowNanos() &- startNanos
        let processingSeconds = Double(partial.processingNanos) / 1e9
        var byKindAndPoint: [String: Int] = [:]
        for fault in partial.fired { byKindAndPoint["\(fault.fault.kind)@\(fault.point.rawValue)", default: 0] += 1 }
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
            historyEvents: partial.history.events.count,
            faults: .init(planHash: partial.planHash.fixedHex, firedTotal: partial.fired.count, firedByKindAndPoint: byKindAndPoint,
                          fired: Array(partial.fired.prefix(RunReport.Faults.firedLimit))),
            timing: .init(startedAt: startedAt, durationMillis: Double(durationNanos) / 1e6,
                          processingMillis: processingSeconds * 1_000,
                          deliveriesPerSecond: processingSeconds > 0 ? Double(partial.counts.deliveries) / processingSeconds : 0),
            repro: configuration.reproCommand,
            keptRunSpace: partial.keptRunSpace
        )
        return Outcome(report: report, history: partial.history, endToEnd: partial.latency.endToEnd)
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
    var fired: [FiredFault] = []
    var history = History(events: [])
    var processingNanos: UInt64 = 0
    var keptRunSpace: RunSpace?

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
        fired.append(contentsOf: result.fired)
    }
}
