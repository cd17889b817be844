/// Everything one participant — a processor, or an instance of a scenario actor — owns: its
/// connection, its log, its histograms, its counts; and the mechanics the lifecycle and the
/// handler's context share: recording, store calls, faults. Helpers here compute and carry out;
/// `Processor` (or `ActorInstance`) decides. Used only on its participant's executor.
final class ProcessorMachinery {
    let worker: Int
    /// `w-12` or `sweeper-1`: bound into every statement, so made once.
    let workerName: String
    let context: ProcessorContext
    /// The handler's, read once: the step loop looks them up per statement.
    let steps: [HandlerStep]
    let transactional: Bool
    private let faultsAt: @Sendable (Delivery, InjectionPoint) -> [Fault]

    private var connection: (any StoreConnection)?
    private let log: HistoryLog
    var latency: LatencyRecorder
    private var fired = FiredFaultTally()
    var counts = DeliveryCounts()
    /// The processor stopped at the run's deadline with work left.
    var gaveUp = false
    /// When the run's deadline passes, on the injected clock: set when processing starts.
    var deadlineNanos = UInt64.max
    /// When processing started, on the injected clock: what `:now` counts from.
    var startNanos: UInt64 = 0
    /// Store calls and receives so far: what keys their simulated durations.
    private var storeCalls = 0
    private var receives = 0

    init(participant: Participant, context: ProcessorContext) {
        self.worker = participant.worker
        self.workerName = participant.name
        self.context = context
        self.steps = participant.steps
        self.transactional = participant.transactional
        self.faultsAt = participant.faults
        self.latency = LatencyRecorder(stepCount: steps.count)
        self.log = HistoryLog(shareBytes: context.historyShareBytes, spillDirectory: context.historyBudget.spillDirectory)
    }

    var isConnected: Bool { connection != nil }

    func reconnect() throws(StoreError) {
        connection = try context.store.connect()
    }

    func disconnect() {
        guard let connection else { return }
        self.connection = nil
        if let sessions = context.sessions {
            sessions.disconnect(connection)
        } else {
            connection.close()
        }
    }

    func result() -> ProcessorResult {
        ProcessorResult(log: log.sealed(), spillError: log.spillError, latency: latency, fired: fired, counts: counts, gaveUp: gaveUp)
    }

    func record(
        _ kind: HistoryEvent.Kind, _ delivery: Delivery, subject: String, role: StepRole? = nil, detail: String? = nil,
        rowsReturned: Int? = nil, rowsAffected: Int? = nil, lease: Int? = nil, values: StepValues? = nil
    ) {
        log.append(
            timeNanos: context.clock.nowNanos(), worker: worker, delivery: delivery, kind: kind, subject: subject, role: role,
            detail: detail, rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease, values: values)
    }

    /// `:now`: whole milliseconds of the injected clock since processing started.
    func millisSinceStart(_ nowNanos: UInt64) -> Int {
        Int((nowNanos &- startNanos) / 1_000_000)
    }

    /// One call on the processor's connection. In a simulation one thread runs every processor:
    /// each store call is preceded by a yield, so the scheduler may switch processors between any
    /// two statements as real threads would. A server's statements go through its sessions (a
    /// lock wait parks the lane); where the store says a lock held by a suspended processor can
    /// never be waited out (`busyMeansYield`), busy means yield (a virtual microsecond, backing
    /// off) and try again. In real mode the store's own timeouts wait.
    @discardableResult
    nonisolated(nonsending) func storeCall(_ request: StoreRequest) async throws(StoreError) -> StatementResult {
        if let latency = context.latency {
            storeCalls += 1
            let nanos = latency.nanos(latency.storeCall, seed: context.seed, salt: SimulatedLatency.storeCallSalt, worker: worker, call: storeCalls)
            if nanos > 0 { try? await context.clock.sleep(nanos: nanos) }
        }
        if context.simulated { await Task.yield() }
        if let sessions = context.sessions { return try await sessions.perform(request, on: connection!) }
        var attempts = 0
        while true {
            do {
                return try request.run(on: connection!)
            } catch .busy(let message) {
                guard context.busyMeansYield else { throw .busy(message) }
                attempts += 1
                guard attempts < ProcessorContext.busyYieldLimit else {
                    throw .busy("\(message) (still busy after \(attempts) yields)")
                }
                // Back off 1 µs, 2 µs, … up to 1 ms: a lock held across a long stall is not polled
                // a million times.
                let pause = ProcessorContext.busyYieldNanos << min(attempts - 1, 10)
                try? await context.clock.sleep(nanos: pause)
            } catch {
                throw error
            }
        }
    }

    /// A refused statement did not happen: roll back and fail the delivery. A store that is gone
    /// ends the run.
    func storeFailure(_ delivery: Delivery, subject: String, role: StepRole? = nil, _ error: StoreError) -> DeliveryEnding {
        counts.storeErrors[error.kind, default: 0] += 1
        record(error.isUnavailable ? .info : .fail, delivery, subject: subject, role: role, detail: error.description)
        if error.isUnavailable { return .storeGone(error) }
        if let gone = rollbackIfOpen(delivery) { return gone }
        return .failed("\(subject): \(error)")
    }

    /// Rolls back the delivery's transaction; returns an ending only when the store is gone.
    func rollbackIfOpen(_ delivery: Delivery) -> DeliveryEnding? {
        guard transactional, let connection else { return nil }
        defer { context.sessions?.settle() }
        do {
            try connection.rollback()
            record(.ok, delivery, subject: HistoryEvent.Subject.rollback)
        } catch {
            record(.info, delivery, subject: HistoryEvent.Subject.rollback, detail: error.description)
            if error.isUnavailable { return .storeGone(error) }
        }
        return nil
    }

    /// Simulation: a receive from the broker takes its simulated time first.
    nonisolated(nonsending) func receiveLatency() async {
        guard let latency = context.latency else { return }
        receives += 1
        let nanos = latency.nanos(latency.receive, seed: context.seed, salt: SimulatedLatency.receiveSalt, worker: worker, call: receives)
        if nanos > 0 { try? await context.clock.sleep(nanos: nanos) }
    }

    /// Fires the plan's faults at a point: duplicates, delays and stalls happen here; a fault that
    /// ends the delivery is carried out, and how the delivery ended is returned. A pause cut
    /// short by the run's deadline abandons the delivery.
    nonisolated(nonsending) func fire(_ point: InjectionPoint, _ delivery: Delivery) async -> DeliveryEnding? {
        let faults = faultsAt(delivery, point)
        guard !faults.isEmpty else { return nil }
        for fault in faults {
            fired.add(FiredFault(delivery: delivery, point: point, fault: fault, worker: worker), atNanos: context.clock.nowNanos())
            record(.info, delivery, subject: HistoryEvent.Subject.fault, detail: "\(point.rawValue): \(fault.summary)")
            switch fault {
            case .duplicate:
                if let copy = context.broker.publishDuplicate(of: delivery, at: point) {
                    record(.info, copy, subject: HistoryEvent.Subject.published, detail: "duplicate of \(delivery.label)")
                }
            case .delay(let millis), .stall(let millis):
                guard await pause(millis: millis) else { return giveUp(delivery) }
            case .crash, .timeout, .error, .storeError:
                return await interrupt(delivery, with: fault)
            }
        }
        return nil
    }

    /// The run's deadline passed, or the run was told to stop.
    var mustStop: Bool { context.stop.isSet || context.clock.nowNanos() >= deadlineNanos }

    /// Sleeps on the injected clock, never past the run's deadline; false when it was cut short.
    nonisolated(nonsending) private func pause(millis: Int) async -> Bool {
        let now = context.clock.nowNanos()
        guard now < deadlineNanos, !context.stop.isSet else { return false }
        // Cancellation only ends a pause early; the processor still carries on.
        try? await context.clock.sleep(nanos: min(UInt64(millis) * 1_000_000, deadlineNanos &- now))
        return !mustStop
    }

    private func giveUp(_ delivery: Delivery) -> DeliveryEnding {
        gaveUp = true
        record(.info, delivery, subject: HistoryEvent.Subject.delivery, detail: "abandoned: the run's deadline passed")
        return .abandoned
    }

    /// Carries out a fault that ends the delivery.
    nonisolated(nonsending) func interrupt(_ delivery: Delivery, with fault: Fault) async -> DeliveryEnding {
        switch fault {
        case .crash(let restartMillis):
            // The process dies: the server rolls back what the connection had open, nobody acks.
            counts.crashed += 1
            record(.info, delivery, subject: HistoryEvent.Subject.crash, detail: "restart after \(restartMillis) ms")
            if transactional { record(.ok, delivery, subject: HistoryEvent.Subject.rollback, detail: "connection closed by crash") }
            disconnect()
            guard await pause(millis: restartMillis) else { return giveUp(delivery) }
            if let gone = reconnectOrEnd() { return gone }
            return .abandoned
        case .timeout(let millis):
            counts.timedOut += 1
            guard await pause(millis: millis) else { return giveUp(delivery) }
            record(.info, delivery, subject: HistoryEvent.Subject.timeout, detail: "gave up after \(millis) ms")
            if let gone = rollbackIfOpen(delivery) { return gone }
            return .failed("timeout after \(millis) ms")
        case .error:
            if let gone = rollbackIfOpen(delivery) { return gone }
            return .failed("injected error")
        case .storeError(.busy):
            counts.storeErrors[StoreError.busy("").kind, default: 0] += 1
            if let gone = rollbackIfOpen(delivery) { return gone }
            return .failed("injected store error: busy")
        case .storeError(.connectionReset):
            counts.storeErrors["connection-reset", default: 0] += 1
            if transactional { record(.ok, delivery, subject: HistoryEvent.Subject.rollback, detail: "connection reset") }
            disconnect()
            if let gone = reconnectOrEnd() { return gone }
            return .failed("injected store error: connection reset")
        case .duplicate, .delay, .stall:
            preconditionFailure("\(fault.kind) does not end a delivery")
        }
    }

    private func reconnectOrEnd() -> DeliveryEnding? {
        do {
            try reconnect()
            return nil
        } catch {
            return .storeGone(error)
        }
    }

    /// Tells the broker and the history how the delivery ended; returns whether it failed.
    func settle(_ lease: Broker.Lease, _ ending: DeliveryEnding) -> Bool {
        let delivery = lease.delivery
        switch ending {
        case .acknowledge(let decision):
            guard context.broker.acknowledge(lease) else {
                counts.staleAcks += 1
                record(.info, delivery, subject: HistoryEvent.Subject.delivery, detail: "ack refused: the lease ran out and the message was received again")
                return false
            }
            if decision == .done {
                counts.done += 1
            } else {
                counts.skipped += 1
            }
            record(.ok, delivery, subject: HistoryEvent.Subject.delivery, detail: decision == .done ? "done" : "skip")
            return false
        case .failed(let reason) where context.onError == .ack:
            // The bug seed 001 warns about: the handler catches the error and returns success.
            counts.swallowed += 1
            let acknowledged = context.broker.acknowledge(lease)
            record(acknowledged ? .ok : .info, delivery, subject: HistoryEvent.Subject.delivery, detail: "swallowed: \(reason)")
            return true
        case .failed(let reason):
            counts.failed += 1
            context.broker.release(lease, nowNanos: context.clock.nowNanos())
            record(.fail, delivery, subject: HistoryEvent.Subject.delivery, detail: reason)
            return true
        case .abandoned, .storeGone:
            return true
        }
    }

    /// How a delivery's (or an actor tick's) transaction ended: settled without committing, or
    /// committed (or run without a transaction) with the handler's decision.
    enum Settlement {
        case ended(DeliveryEnding)
        case committed(DeliveryDecision)
    }

    /// Begin, the handler, `before-commit`, commit: what a processor does with a delivery and an
    /// actor instance with a tick. The transaction is settled when it returns.
    nonisolated(nonsending) func beginHandleCommit(
        _ handler: any DeliveryHandler, _ context: DeliveryContext, _ entry: Delivery
    ) async -> Settlement {
        if let isolation = handler.isolation {
            do {
                try await storeCall(.begin(isolation))
            } catch {
                return .ended(storeFailure(entry, subject: "begin", error))
            }
        }
        let decision: DeliveryDecision
        do {
            decision = try await handler.handle(context)
        } catch let interruption as DeliveryInterruption {
            return .ended(interruption.ending)
        } catch {
            decision = .fail("\(error)")
        }
        if case .fail(let reason) = decision {
            return .ended(rollbackIfOpen(entry) ?? .failed(reason))
        }
        if let interrupted = await fire(.beforeCommit, entry) { return .ended(interrupted) }
        if handler.isolation != nil {
            record(.invoke, entry, subject: HistoryEvent.Subject.commit)
            do {
                try await storeCall(.commit)
            } catch {
                return .ended(storeFailure(entry, subject: HistoryEvent.Subject.commit, error))
            }
            record(.ok, entry, subject: HistoryEvent.Subject.commit)
        }
        return .committed(decision)
    }

    /// The broker moved a message past its receives to the DLQ: write it to the store's DLQ table
    /// when the scenario keeps one, then record it.
    ///
    /// The history says `dead-letter` ok only once the entry is where the scenario's DLQ is: a
    /// message the broker dropped but whose DLQ row was never written is lost, not dead-lettered.
    /// A write refused as `busy` or `serialization-failure` (SQLite's busy timeout running out
    /// under load, a PostgreSQL deadlock) is transient: it is tried again, `deadLetterAttempts`
    /// times in all, backing off on the injected clock. One that still fails, or fails otherwise,
    /// is recorded as `dead-letter` fail only, so `no-loss` (and `every-failure-in-dlq`) report
    /// the message instead of the DLQ silently missing it. Throws only when the store is gone.
    nonisolated(nonsending) func deadLetter(_ delivery: Delivery) async throws(StoreError) {
        let detail = "after \(delivery.attempt) receives"
        guard let statement = context.deadLetter else {
            counts.deadLettered += 1
            record(.ok, delivery, subject: HistoryEvent.Subject.deadLetter, detail: detail)
            return
        }
        var attempt = 0
        while true {
            attempt += 1
            let parameters = StatementParameters(
                message: Names.message(delivery.message), messageNumber: delivery.message, worker: workerName, attempt: delivery.attempt,
                copy: delivery.copy, subscriber: Names.subscriber(delivery.subscriber), seed: context.seed,
                nowMillis: statement.usesNow ? millisSinceStart(context.clock.nowNanos()) : 0
            )
            do {
                try await storeCall(.execute(statement, parameters))
                counts.deadLettered += 1
                record(.ok, delivery, subject: HistoryEvent.Subject.deadLetter,
                       detail: attempt == 1 ? detail : "\(detail) (DLQ write took \(attempt) attempts)")
                return
            } catch {
                counts.storeErrors[error.kind, default: 0] += 1
                if error.isUnavailable {
                    record(.fail, delivery, subject: HistoryEvent.Subject.deadLetter, detail: error.description)
                    throw error
                }
                let transient = error.isTransient && attempt < Self.deadLetterAttempts
                let pauseMillis = Self.deadLetterBackoffMillis << (attempt - 1)
                guard transient, await pause(millis: pauseMillis) else {
                    record(.fail, delivery, subject: HistoryEvent.Subject.deadLetter,
                           detail: "DLQ write failed after \(attempt) attempt\(attempt == 1 ? "" : "s"), \(detail): \(error.description)")
                    return
                }
                record(.info, delivery, subject: HistoryEvent.Subject.deadLetter,
                       detail: "DLQ write attempt \(attempt) refused, trying again in \(pauseMillis) ms: \(error.description)")
            }
        }
    }

    /// How often a DLQ write refused as busy is tried in all, and the first pause between tries
    /// (doubling): with SQLite's 5 s busy timeout per try, a write waits over 25 s before the
    /// history calls the message lost.
    static let deadLetterAttempts = 6
    static let deadLetterBackoffMillis = 10
}

/// Who a machinery works for: its number and name in the history, its steps, and where its
/// faults come from.
struct Participant {
    var worker: Int
    var name: String
    var steps: [HandlerStep]
    var transactional: Bool
    var faults: @Sendable (Delivery, InjectionPoint) -> [Fault]

    static func processor(_ worker: Int, _ context: ProcessorContext) -> Participant {
        let plan = context.plan
        return Participant(
            worker: worker, name: Names.worker(worker), steps: context.handler.steps, transactional: context.handler.isolation != nil,
            faults: { plan.faults(for: $0, at: $1) })
    }
}

extension StoreError {
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// Refused now, may succeed when tried again: a lock wait that ran out, a serialization
    /// failure or deadlock.
    var isTransient: Bool {
        switch self {
        case .busy, .serializationFailure: true
        default: false
        }
    }
}
