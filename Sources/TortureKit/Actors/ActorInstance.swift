/// One instance of a scenario actor: runs its steps on its schedule, on the injected clock, beside
/// the processors, until the broker is drained, the run's deadline passes or the run stops. An
/// actor on an executor of its own (a thread, or a lane of the simulation), like a processor, and
/// its statements go through the same machinery: history, faults, store calls.
actor ActorInstance {
    let actor: ScenarioActor
    let actorIndex: Int
    let instance: Int
    /// Its number among the instances that publish (the broker's word for it), when it publishes.
    let holder: Int?
    private let machinery: ParticipantMachinery
    private let delivery: DeliveryContext
    private let gate: ActorGate
    private let executor: any SerialExecutor
    private var summary: ActorSummary

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// What the instance's task prefers to run on: its own thread, as a processor's does.
    nonisolated var preferredTaskExecutor: (any TaskExecutor)? { executor as? any TaskExecutor }

    init(
        actor: ScenarioActor, actorIndex: Int, instance: Int, worker: Int, holder: Int?, gate: ActorGate,
        context: ProcessorContext, executor: any SerialExecutor
    ) {
        self.actor = actor
        self.actorIndex = actorIndex
        self.instance = instance
        self.holder = holder
        self.gate = gate
        self.executor = executor
        let plan = FaultPlan(seed: context.seed, profile: actor.faults)
        let key = actor.key
        self.machinery = ParticipantMachinery(
            participant: Participant(
                worker: worker, name: actor.instanceName(instance), steps: actor.machine.steps,
                transactional: actor.machine.isolation != nil,
                faults: { work, point in
                    guard case .tick(let tick) = work else { preconditionFailure("an actor's faults are its runs'") }
                    return plan.faults(forActor: key, instance: tick.instance, tick: tick.tick, at: point)
                }),
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
        machinery.start(atNanos: startNanos)
        defer { machinery.disconnect() }
        var tick = 0
        while machinery.isConnected, !context.abort.isSet {
            tick += 1
            let due = startNanos &+ actor.schedule.dueNanos(tick: tick, instance: instance, seed: context.seed, actorKey: actor.key)
            guard await waitUntil(due) else { break }
            guard actor.schedule.overlap || gate.tryEnter() else {
                summary.skipped += 1
                machinery.record(.info, .tick(ActorTick(actor: actorIndex, instance: instance, tick: tick)),
                                 subject: HistoryEvent.Subject.tick, detail: "skipped: another instance's run is still going")
                continue
            }
            defer { if !actor.schedule.overlap { gate.leave() } }
            var mark: Int?
            if let holder {
                guard let began = context.broker.beginHolderTick(holder) else { break }
                mark = began
            }
            let landed = await runTick(tick)
            // Quiet is a run that landed and changed nothing: one that failed or crashed may have
            // left work behind (a DLQ entry it took and rolled back), and one that changed rows
            // (a job marked runnable) may have made work for another actor or a worker.
            let changed = delivery.outbox.sentThisRun > 0 || delivery.rowsAffectedThisRun > 0
            let workIsOver = holder != nil && landed ? await untilQueryIsEmpty(tick) : false
            if let holder { context.broker.endHolderTick(holder, mark: landed ? mark : nil, changed: changed, workIsOver: workIsOver) }
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

    /// One run of the actor's steps, in order: begin → steps → before-commit → commit → publish
    /// the outbox → after-commit, then the run's ending in the history. Decides every step, as
    /// `DeliveryLifecycle.deliver` does for a delivery; returns whether the run landed.
    private func runTick(_ number: Int) async -> Bool {
        let tick = ActorTick(actor: actorIndex, instance: instance, tick: number)
        let work = WorkItem.tick(tick)
        let machine = actor.machine

        delivery.beginTick(tick)
        machinery.record(.invoke, work, subject: HistoryEvent.Subject.tick, detail: "\(machinery.workerName) run \(number)")

        // begin
        if let ended = await machinery.begin(machine.isolation, work) { return finish(tick, ended) }

        // steps
        let decision: DeliveryDecision
        switch await machinery.callHandler(machine, delivery, work) {
        case .ended(let ended): return finish(tick, ended)
        case .decided(let decided): decision = decided
        }

        // before-commit, commit, then what the run publishes (an outbox sends only what committed)
        if let ended = await machinery.fire(.beforeCommit, work) { return finish(tick, ended) }
        if let ended = await machinery.commit(machine.isolation, work) { return finish(tick, ended) }
        if machine.isolation != nil { delivery.sendPublications() }

        // after-commit
        if let ended = await machinery.fire(.afterCommit, work) { return finish(tick, ended) }
        return finish(tick, .acknowledge(decision))
    }

    /// After a run that landed, with the queue empty: whether the scenario's `until:` query
    /// returns no rows (asked on this instance's connection, in the history as an `until` event).
    private func untilQueryIsEmpty(_ number: Int) async -> Bool {
        guard let until = context.until, context.broker.isEmpty else { return false }
        let work = WorkItem.tick(ActorTick(actor: actorIndex, instance: instance, tick: number))
        do {
            let rows = try await machinery.storeCall(.execute(until, .forChecks)).rows.count
            machinery.record(.ok, work, subject: HistoryEvent.Subject.until, detail: rows == 1 ? "1 row" : "\(rows) rows")
            return rows == 0
        } catch {
            machinery.record(.info, work, subject: HistoryEvent.Subject.until, detail: error.description,
                             fact: .storeError(error.kind, sqlState: error.sqlState))
            if error.isUnavailable { context.abort.set("\(machinery.workerName) lost the store: \(error.message)") }
            return false
        }
    }

    /// Records how the run ended; returns whether it landed.
    private func finish(_ tick: ActorTick, _ ending: DeliveryEnding) -> Bool {
        let work = WorkItem.tick(tick)
        summary.published += delivery.outbox.sentThisRun
        switch ending {
        case .acknowledge:
            summary.runs += 1
            machinery.record(.ok, work, subject: HistoryEvent.Subject.tick, detail: "published \(delivery.outbox.sentThisRun)")
            return true
        case .failed(let reason):
            delivery.outbox.drop()
            summary.failed += 1
            machinery.record(.fail, work, subject: HistoryEvent.Subject.tick, detail: reason)
        case .abandoned:
            delivery.outbox.drop()
            summary.crashed += 1
            machinery.record(.info, work, subject: HistoryEvent.Subject.tick, detail: "abandoned: a crash, or the run's deadline")
        case .storeGone(let error):
            delivery.outbox.drop()
            context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
        }
        return false
    }
}
