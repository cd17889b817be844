/// Everything one participant — a processor, or an instance of a scenario actor — owns: its
/// connection, its log, its histograms, its counts. Its helpers (recording here; store calls,
/// fault execution, settling with the broker and dead-letter writes in the files beside it) carry
/// out and compute; they never decide what happens next. The lifecycle functions decide:
/// `DeliveryLifecycle.deliver` for a processor's delivery, `ActorInstance.runTick` for an actor's
/// run. Used only on its participant's executor: its hot state is `@exclusivity(unchecked)`, as
/// the runtime check on each access cost ~3 % of a claim (docs/ARCHITECTURE.md, "Facts").
final class ParticipantMachinery {
    let worker: Int
    /// `w-12` or `sweeper-1`: bound into every statement, so made once.
    let workerName: String
    let context: ProcessorContext
    /// The handler's, read once: the step loop looks them up per statement.
    let steps: [HandlerStep]
    let transactional: Bool
    let faultsAt: @Sendable (WorkItem, InjectionPoint) -> [Fault]

    @exclusivity(unchecked) var connection: (any StoreConnection)?
    private let log: HistoryLog
    @exclusivity(unchecked) var latency: LatencyRecorder
    @exclusivity(unchecked) var fired = FiredFaultTally()
    @exclusivity(unchecked) var counts = DeliveryCounts()
    /// The participant stopped at the run's deadline with work left.
    @exclusivity(unchecked) var gaveUp = false
    /// When the run's deadline passes, an instant on the injected clock: set when processing starts.
    var deadlineAtNanos = UInt64.max
    /// When processing started, on the injected clock: what `:now` counts from.
    var startNanos: UInt64 = 0
    /// Store calls and receives so far: what keys their simulated durations.
    @exclusivity(unchecked) var storeCalls = 0
    @exclusivity(unchecked) var receives = 0
    /// What else dies when this participant crashes: its handler process, when it has one.
    var onCrash: (() -> Void)?
    /// The shared thread this participant runs on, when its statements await their answers there
    /// instead of blocking a thread of its own.
    var polling: PollingExecutor?
    /// `connection`, when it can await on `polling`: cast once a connection, not once a statement.
    @exclusivity(unchecked) var answering: (any SocketAnsweringConnection)?

    init(participant: Participant, context: ProcessorContext) {
        precondition(!participant.name.isEmpty, "a participant has a name for the history")
        precondition(participant.worker >= 0, "worker numbers count from 0")
        self.worker = participant.worker
        self.workerName = participant.name
        self.context = context
        self.steps = participant.steps
        self.transactional = participant.transactional
        self.faultsAt = participant.faults
        self.latency = LatencyRecorder(stepCount: steps.count)
        self.log = HistoryLog(shareBytes: context.historyShareBytes, spillDirectory: context.historyBudget.spillDirectory)
    }

    /// Processing starts: `:now` counts from here and the deadline is fixed.
    func start(atNanos nowNanos: UInt64) {
        precondition(deadlineAtNanos == .max, "a participant starts once")
        startNanos = nowNanos
        deadlineAtNanos = nowNanos &+ context.deadlineAfterNanos
        assert(deadlineAtNanos >= startNanos || context.deadlineAfterNanos > UInt64.max - nowNanos, "the deadline lies ahead")
    }

    var isConnected: Bool { connection != nil }

    func reconnect() throws(StoreError) {
        assert(connection == nil, "\(workerName) opens a connection only when it has none")
        connection = try context.store.connect()
        if polling != nil { answering = connection as? any SocketAnsweringConnection }
        assert(connection != nil)
    }

    func disconnect() {
        guard let connection else { return }
        self.connection = nil
        answering = nil
        if let sessions = context.mode.simulation?.sessions {
            sessions.disconnect(connection)
        } else {
            connection.close()
        }
        assert(self.connection == nil)
    }

    func result() -> ProcessorResult {
        assert(counts.done + counts.skipped <= counts.deliveries, "every acknowledged delivery was received")
        return ProcessorResult(log: log.sealed(), spillError: log.spillError, latency: latency, fired: fired, counts: counts, gaveUp: gaveUp)
    }

    func record(
        _ kind: HistoryEvent.Kind, _ site: WorkItem, subject: String, role: StepRole? = nil, detail: String? = nil,
        rowsReturned: Int? = nil, rowsAffected: Int? = nil, lease: Int? = nil, values: StepValues? = nil, fact: HistoryFact? = nil,
        at timeNanos: UInt64? = nil
    ) {
        log.append(
            timeNanos: timeNanos ?? context.clock.nowNanos(), worker: worker, delivery: site.historyDelivery, kind: kind, subject: subject, role: role,
            detail: detail, rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease, values: values, fact: fact)
    }

    /// `:now`: whole milliseconds of the injected clock since processing started.
    func millisSinceStart(_ nowNanos: UInt64) -> Int {
        assert(nowNanos >= startNanos, "the injected clock never goes back")
        return Int((nowNanos &- startNanos) / 1_000_000)
    }

    /// The run's deadline passed, or the run was told to stop.
    var mustStop: Bool { context.stop.isSet || context.clock.nowNanos() >= deadlineAtNanos }
}

/// Who a machinery works for: its number and name in the history, its steps, and where its
/// faults come from.
struct Participant {
    var worker: Int
    var name: String
    var steps: [HandlerStep]
    var transactional: Bool
    var faults: @Sendable (WorkItem, InjectionPoint) -> [Fault]

    static func processor(_ worker: Int, _ context: ProcessorContext) -> Participant {
        let plan = context.plan
        return Participant(
            worker: worker, name: Names.worker(worker), steps: context.handler.steps, transactional: context.handler.isolation != nil,
            faults: { site, point in
                guard case .delivery(let delivery) = site else { preconditionFailure("a processor's faults are a delivery's") }
                return plan.faults(for: delivery, at: point)
            })
    }
}
