/// What a handler works with during one delivery: the delivery's identity and bound parameters,
/// and `run`, which executes a statement as one of the handler's steps. Owned by one processor
/// and reused for each of its deliveries; never shared, never kept by a handler past `handle`
/// (so its state skips the runtime exclusivity check, as `ParticipantMachinery`'s does).
///
/// `run` is where the processor's seams reach the handler: the step's injection points fire
/// around it (`before-claim` / `after-claim` for claim and submit steps, `after-read` after read
/// steps), the history records its invoke and ok / fail, its latency is recorded, and in
/// simulation it is a scheduling point. A fault that ends the delivery, or a store that is gone,
/// is thrown as a `DeliveryInterruption`, which the handler lets through.
public final class DeliveryContext {
    /// Which message, copy, receive and subscriber this is. An actor's run handles no message:
    /// see `tick`.
    public var delivery: Delivery {
        guard case .delivery(let delivery) = work else { preconditionFailure("an actor's run has no delivery; read `tick`") }
        return delivery
    }
    /// The actor's run this is, when the handler runs as a scenario actor's steps.
    public var tick: ActorTick? {
        if case .tick(let tick) = work { return tick }
        return nil
    }
    /// What the history's events are about.
    @exclusivity(unchecked) private(set) var work = WorkItem.delivery(Delivery(message: 0, attempt: 1))
    /// `:message`, `:message_number`, `:worker`, `:attempt`, `:copy`, `:subscriber`, `:lease`,
    /// `:seed`, `:now`, and the values kept steps returned (`:step.column`).
    @exclusivity(unchecked) public private(set) var parameters: StatementParameters
    /// The store's SQL dialect, for a handler that writes SQL per dialect.
    public var dialect: Dialect { machinery.context.store.dialect }
    /// `w-07`: the processor running this delivery.
    public var workerName: String { machinery.workerName }

    let machinery: ParticipantMachinery
    private let stepIndex: [String: Int]

    init(machinery: ParticipantMachinery) {
        self.machinery = machinery
        self.parameters = StatementParameters(message: "", worker: machinery.workerName, attempt: 0, seed: machinery.context.seed)
        var index: [String: Int] = [:]
        for (position, step) in machinery.steps.enumerated() { index[step.name] = position }
        self.stepIndex = index
    }

    /// An actor's run: what its `publish` steps put back into the broker.
    @exclusivity(unchecked) var outbox = Outbox()
    /// Rows the statements of this delivery or run changed: a run of an actor that changed
    /// nothing and published nothing is quiet.
    @exclusivity(unchecked) private(set) var rowsAffectedThisRun = 0

    func beginTick(_ tick: ActorTick) {
        work = .tick(tick)
        parameters = StatementParameters(message: "", messageNumber: 0, worker: machinery.workerName, attempt: 0,
                                         seed: machinery.context.seed, tick: tick.tick)
        outbox.startRun()
        rowsAffectedThisRun = 0
    }

    /// Turns each row's `column` into a publication: sent now, or when the run commits.
    func publish(_ result: StatementResult, column: String, step: String) {
        for problem in outbox.add(result, column: column, messages: machinery.context.broker.messages) {
            machinery.record(.info, work, subject: step, detail: problem)
        }
        if !outbox.sendsAtCommit { sendPublications() }
    }

    /// Puts the run's pending publications into the broker and records each copy.
    func sendPublications() {
        for message in outbox.take() {
            for copy in machinery.context.broker.republish(message: message) {
                assert(copy.message == message && copy.isInjectedCopy, "a republication is a new copy of the message")
                machinery.record(.info, .delivery(copy), subject: HistoryEvent.Subject.published,
                                 detail: "republished by \(machinery.workerName) (run \(parameters.tick))")
            }
        }
    }

    func begin(_ lease: Broker.Lease) {
        work = .delivery(lease.delivery)
        let delivery = lease.delivery
        parameters = StatementParameters(
            message: Names.message(delivery.message), messageNumber: delivery.message, worker: machinery.workerName,
            attempt: delivery.attempt, copy: delivery.copy, subscriber: Names.subscriber(delivery.subscriber), lease: lease.token,
            seed: machinery.context.seed
        )
    }

    /// Runs `statement` as the declared step `step` and says whether `holdsWhen` held for what
    /// it returned. The history records `ok` when it held and `fail` when it did not.
    @discardableResult
    nonisolated(nonsending) public func run(
        _ step: String, _ statement: SQLTemplate, holdsWhen success: SuccessCondition = .rowsAffected
    ) async throws(DeliveryInterruption) -> StepOutcome {
        guard let index = stepIndex[step] else {
            preconditionFailure("step `\(step)` is not among the handler's declared steps \(machinery.steps.map(\.name))")
        }
        return try await run(stepAt: index, statement, holdsWhen: success)
    }

    /// `run` by the step's position in `DeliveryHandler.steps`: no name lookup on the hot path.
    nonisolated(nonsending) public func run(
        stepAt index: Int, _ statement: SQLTemplate, holdsWhen success: SuccessCondition = .rowsAffected
    ) async throws(DeliveryInterruption) -> StepOutcome {
        let step = machinery.steps[index]
        if step.role == .claim || step.role == .submit {
            try await inject(.beforeClaim)
        }
        // One clock read stamps the invoke and starts the step's latency; one ends both.
        let startNanos = machinery.context.clock.nowNanos()
        machinery.record(.invoke, work, subject: step.name, role: step.role, at: startNanos)
        if statement.usesNow { parameters.nowMillis = machinery.millisSinceStart(startNanos) }
        let result: StatementResult
        do {
            result = try await machinery.storeCall(.execute(statement, parameters))
        } catch {
            machinery.latency.recordStep(index, nanos: machinery.context.clock.nowNanos() &- startNanos)
            throw DeliveryInterruption(machinery.storeFailure(work, subject: step.name, role: step.role, error))
        }
        let endNanos = machinery.context.clock.nowNanos()
        machinery.latency.recordStep(index, nanos: endNanos &- startNanos)
        let held = success.holds(for: result)
        var values: StepValues?
        if step.keepsValues {
            parameters.keep(result, of: step.name)
            values = result.rows.first.map { StepValues(columns: result.columns, values: $0) }
        }
        assert(result.rowsAffected >= 0, "a store never affects fewer than no rows")
        rowsAffectedThisRun += result.rowsAffected
        machinery.record(held ? .ok : .fail, work, subject: step.name, role: step.role,
                         rowsReturned: result.rows.count, rowsAffected: result.rowsAffected, values: values, at: endNanos)
        switch step.role {
        case .read: try await inject(.afterRead)
        case .claim, .submit: try await inject(.afterClaim)
        case .write: break
        }
        return StepOutcome(result: result, held: held)
    }

    /// A step a handler process reported (docs/handler-protocol.md): recorded as a step `run`
    /// would record it, and timed from its `invoke` when it was declared.
    func recordReported(step name: String, role: StepRole?, status: HistoryEvent.Kind, rowsAffected: Int?, values: StepValues?,
                        error: String?, startedNanos: UInt64?, latencyNanos: UInt64? = nil) {
        let index = stepIndex[name]
        let declaredRole = index.map { machinery.steps[$0].role }
        if let index, let nanos = latencyNanos ?? startedNanos.map({ machinery.context.clock.nowNanos() &- $0 }) {
            machinery.latency.recordStep(index, nanos: nanos)
        }
        if let rowsAffected, rowsAffected > 0 { rowsAffectedThisRun += rowsAffected }
        machinery.record(status, work, subject: name, role: role ?? declaredRole ?? .write, detail: error,
                         rowsAffected: status == .invoke ? nil : rowsAffected, values: values)
    }

    /// Marks an injection point the handler reaches outside `run` (e.g. between two reads).
    nonisolated(nonsending) public func inject(_ point: InjectionPoint) async throws(DeliveryInterruption) {
        if let ending = await machinery.fire(point, work) {
            throw DeliveryInterruption(ending)
        }
    }
}

/// What a step's statement returned, and whether the step's condition held for it.
public struct StepOutcome: Sendable, Equatable {
    public var result: StatementResult
    public var held: Bool
}

/// Thrown by `DeliveryContext` when an injected fault ends the delivery or the store is gone.
/// A handler lets it through; the processor carries it out (roll back, nack, crash, …).
public struct DeliveryInterruption: Error {
    let ending: DeliveryEnding

    init(_ ending: DeliveryEnding) {
        self.ending = ending
    }
}

/// How a delivery ended, before the broker hears of it.
enum DeliveryEnding {
    case acknowledge(DeliveryDecision)
    case failed(String)
    /// The processor died or gave up without telling the broker: the lease runs out.
    case abandoned
    /// The store is gone: the run ends.
    case storeGone(StoreError)
}
