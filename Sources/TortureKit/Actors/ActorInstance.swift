/// One instance of a scenario actor: runs its steps on its schedule, on the injected clock, beside
/// the processors, until the broker is drained, the run's deadline passes or the run stops. An
/// actor on an executor of its own (a thread, or a lane of the simulation), like a processor, and
/// its statements go through the same machinery: history, faults, store calls.
actor ActorInstance {
    let actor: ScenarioActor
    let actorIndex: Int
    let instance: Int
    /// Its number among the instances that publish (the broker's word for it), when it publishes.
    let publisher: Int?
    private let machinery: ProcessorMachinery
    private let delivery: DeliveryContext
    private let gate: ActorGate
    private let executor: any SerialExecutor
    private var summary: ActorSummary

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(
        actor: ScenarioActor, actorIndex: Int, instance: Int, worker: Int, publisher: Int?, gate: ActorGate,
        context: ProcessorContext, executor: any SerialExecutor
    ) {
        self.actor = actor
        self.actorIndex = actorIndex
        self.instance = instance
        self.publisher = publisher
        self.gate = gate
        self.executor = executor
        let plan = FaultPlan(seed: context.seed, profile: actor.faults)
        let key = actor.key
        self.machinery = ProcessorMachinery(
            participant: Participant(
                worker: worker, name: actor.instanceName(instance), steps: actor.machine.steps,
                transactional: actor.machine.isolation != nil,
                faults: { tick, point in plan.faults(forActor: key, instance: tick.copy, tick: tick.attempt, at: point) }),
            context: context)
        self.delivery = DeliveryContext(machinery: machinery)
        self.delivery.outbox.sendsAtCommit = actor.machine.isolation != nil
        self.summary = ActorSummary(actor: actor.name, instance: instance, worker: worker)
    }

    private var context: ProcessorContext { machinery.context }

    func connect() {
        do {
            try machinery.reconnect()
        } catch {
            context.abort.set("\(machinery.workerName) could not connect: \(error.message)")
        }
    }

    /// Tick after tick on the schedule, counted from `startNanos`.
    func run(startNanos: UInt64) async -> ActorResult {
        machinery.startNanos = startNanos
        machinery.deadlineNanos = startNanos &+ context.deadlineNanos
        defer { machinery.disconnect() }
        var tick = 0
        while machinery.isConnected, !context.abort.isSet {
            tick += 1
            let due = startNanos &+ actor.schedule.dueNanos(tick: tick, instance: instance, seed: context.seed, actorKey: actor.key)
            guard await waitUntil(due) else { break }
            guard actor.schedule.overlap || gate.tryEnter() else {
                summary.skipped += 1
                machinery.record(.info, Delivery.actorTick(actor: actorIndex, instance: instance, tick: tick),
                                 subject: HistoryEvent.Subject.tick, detail: "skipped: another instance's run is still going")
                continue
            }
            defer { if !actor.schedule.overlap { gate.leave() } }
            var mark: Int?
            if let publisher {
                guard let began = context.broker.beginPublisherTick(publisher) else { break }
                mark = began
            }
            let landed = await runTick(tick)
            // Quiet is a run that landed and sent nothing: one that failed or crashed may have
            // left work behind (a DLQ entry it took and rolled back).
            if let publisher { context.broker.endPublisherTick(publisher, mark: landed && delivery.outbox.sentThisRun == 0 ? mark : nil) }
        }
        let result = machinery.result()
        return ActorResult(log: result.log, spillError: result.spillError, fired: result.fired, summary: summary)
    }

    /// Sleeps on the injected clock until `due`, a slice at a time so a drained broker or the
    /// run's end is noticed; false when the actor must stop instead.
    private func waitUntil(_ due: UInt64) async -> Bool {
        while true {
            if machinery.mustStop || context.abort.isSet || context.broker.isDrained { return false }
            let now = context.clock.nowNanos()
            if now >= due { return true }
            try? await context.clock.sleep(nanos: min(due &- now, ProcessorContext.idlePollNanos))
        }
    }

    /// One run of the actor's steps: what it decided, and its publications when it landed.
    /// Returns whether it landed.
    private func runTick(_ tick: Int) async -> Bool {
        let entry = Delivery.actorTick(actor: actorIndex, instance: instance, tick: tick)
        delivery.beginTick(entry)
        machinery.record(.invoke, entry, subject: HistoryEvent.Subject.tick, detail: "\(machinery.workerName) run \(tick)")
        let ending = await work(entry)
        summary.published += delivery.outbox.sentThisRun
        switch ending {
        case .acknowledge:
            summary.runs += 1
            machinery.record(.ok, entry, subject: HistoryEvent.Subject.tick, detail: "published \(delivery.outbox.sentThisRun)")
            return true
        case .failed(let reason):
            delivery.outbox.drop()
            summary.failed += 1
            machinery.record(.fail, entry, subject: HistoryEvent.Subject.tick, detail: reason)
        case .abandoned:
            delivery.outbox.drop()
            summary.crashed += 1
            machinery.record(.info, entry, subject: HistoryEvent.Subject.tick, detail: "abandoned: a crash, or the run's deadline")
        case .storeGone(let error):
            delivery.outbox.drop()
            context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
        }
        return false
    }

    /// Begin, the steps, commit (then the outbox's publications): the transaction is settled when
    /// it returns.
    private func work(_ entry: Delivery) async -> DeliveryEnding {
        let decision: DeliveryDecision
        switch await machinery.beginHandleCommit(actor.machine, delivery, entry) {
        case .ended(let ending): return ending
        case .committed(let committed): decision = committed
        }
        if actor.machine.isolation != nil { delivery.sendPublications() }
        if let interrupted = await machinery.fire(.afterCommit, entry) { return interrupted }
        return .acknowledge(decision)
    }
}
