/// One worker: receives deliveries from the broker and runs the protocol's steps against its own
/// connection. An actor on a thread of its own, so its blocking store calls run beside the other
/// processors' instead of queueing behind them on the cooperative pool.
actor Processor {
    let worker: Int
    /// `w-12`: bound into every statement, so made once.
    private let workerName: String
    private let context: ProcessorContext
    private let executor: any SerialExecutor

    private var connection: (any StoreConnection)?
    private var log: [HistoryEvent] = []
    private var latency: LatencyRecorder
    private var fired: [FiredFault] = []
    private var counts = DeliveryCounts()

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(worker: Int, context: ProcessorContext, executor: any SerialExecutor) {
        self.worker = worker
        self.workerName = Names.worker(worker)
        self.context = context
        self.executor = executor
        self.latency = LatencyRecorder(stepCount: context.steps.count)
    }

    /// Opens the processor's connection before any delivery is handed out, so a run's processing
    /// time is processing, and a store that refuses connections stops the run before it starts.
    func connect() {
        do {
            connection = try context.store.connect()
        } catch {
            context.abort.set("\(workerName) could not connect: \(error.message)")
        }
    }

    func run() async -> ProcessorResult {
        defer {
            connection?.close()
            connection = nil
        }
        while connection != nil, !context.abort.isSet {
            let now = context.clock.nowNanos()
            switch context.broker.receive(nowNanos: now) {
            case .drained:
                return result()
            case .wait(let untilNanos):
                try? await context.clock.sleep(nanos: min(untilNanos &- now, ProcessorContext.idlePollNanos))
            case .deadLettered(let delivery):
                do {
                    try await deadLetter(delivery)
                } catch {
                    context.abort.set("\(workerName) lost the store: \(error.message)")
                }
            case .delivery(let lease):
                do {
                    let failed = try await handle(lease)
                    context.progress.deliveryFinished(failed: failed)
                } catch {
                    context.abort.set("\(workerName) lost the store: \(error.message)")
                }
            }
        }
        return result()
    }

    private func result() -> ProcessorResult {
        ProcessorResult(log: log, latency: latency, fired: fired, counts: counts)
    }

    /// How a delivery ended, before the broker hears of it.
    private enum Ending {
        case acknowledge(StepAction)
        case failed(String)
        /// The processor died or gave up without telling the broker: the lease runs out.
        case abandoned
    }

    /// The one place that decides what happens to a delivery: steps in order, each step's result
    /// or an injected fault picking what comes next, then commit or roll back, then acknowledge
    /// or nack. Returns whether the delivery failed; throws only when the store is gone.
    private func handle(_ lease: Broker.Lease) async throws(StoreError) -> Bool {
        let delivery = lease.delivery
        counts.deliveries += 1
        record(.invoke, delivery, subject: HistoryEvent.Subject.delivery, lease: lease.token)
        let parameters = StatementParameters(
            message: Names.message(delivery.message), worker: workerName, attempt: delivery.attempt,
            copy: delivery.copy, subscriber: Names.subscriber(delivery.subscriber), lease: lease.token, seed: context.seed
        )
        var ending = try await runSteps(delivery, parameters, firstDeliveredNanos: lease.firstDeliveredNanos)
        if case .acknowledge = ending {
            if let interruption = await inject(.beforeAck, delivery) {
                ending = try await interrupt(delivery, with: interruption)
            }
        }
        return try settle(lease, ending)
    }

    /// Begin, steps, commit; the transaction is settled (committed or rolled back) when it returns.
    private func runSteps(
        _ delivery: Delivery, _ parameters: StatementParameters, firstDeliveredNanos: UInt64
    ) async throws(StoreError) -> Ending {
        if let isolation = context.transaction {
            do {
                try await yieldingWhileBusy { () throws(StoreError) in try connection!.begin(isolation) }
            } catch {
                return try storeFailure(delivery, subject: "begin", error)
            }
        }
        var action = StepAction.next
        var failure = ""
        var index = 0
        while index < context.steps.count {
            let step = context.steps[index]
            if step.role == .claim || step.role == .submit, let interruption = await inject(.beforeClaim, delivery) {
                return try await interrupt(delivery, with: interruption)
            }
            record(.invoke, delivery, subject: step.name, role: step.role)
            let startNanos = context.clock.nowNanos()
            let result: StatementResult
            do {
                result = try await yieldingWhileBusy { () throws(StoreError) in try connection!.execute(step.statement, parameters) }
            } catch {
                latency.recordStep(index, nanos: context.clock.nowNanos() &- startNanos)
                return try storeFailure(delivery, subject: step.name, role: step.role, error)
            }
            latency.recordStep(index, nanos: context.clock.nowNanos() &- startNanos)
            let held = step.success.holds(for: result)
            record(held ? .ok : .fail, delivery, subject: step.name, role: step.role,
                   rowsReturned: result.rows.count, rowsAffected: result.rowsAffected)
            action = held ? step.onSuccess : step.onFailure
            if action == .fail { failure = "\(step.name): `\(step.success.rawValue)` \(held ? "held" : "did not hold") and the step says fail" }
            let point: InjectionPoint? = switch step.role {
            case .read: .afterRead
            case .claim, .submit: .afterClaim
            case .write: nil
            }
            if let point, let interruption = await inject(point, delivery) {
                return try await interrupt(delivery, with: interruption)
            }
            switch action {
            case .next: index += 1
            case .jump(let target): index = target
            case .done, .skip, .fail: index = context.steps.count
            }
        }
        if action == .fail {
            try rollbackIfOpen(delivery)
            return .failed(failure)
        }
        if let interruption = await inject(.beforeCommit, delivery) {
            return try await interrupt(delivery, with: interruption)
        }
        if context.transaction != nil {
            record(.invoke, delivery, subject: HistoryEvent.Subject.commit)
            do {
                try await yieldingWhileBusy { () throws(StoreError) in try connection!.commit() }
            } catch {
                return try storeFailure(delivery, subject: HistoryEvent.Subject.commit, error)
            }
            record(.ok, delivery, subject: HistoryEvent.Subject.commit)
        }
        let outcome: StepAction = switch action {
        case .next, .jump: .done
        default: action
        }
        // The work has landed: whatever happens to the ack, the message was processed.
        if outcome == .done {
            record(.ok, delivery, subject: HistoryEvent.Subject.processed)
            latency.recordEndToEnd(nanos: context.clock.nowNanos() &- firstDeliveredNanos)
        }
        if let interruption = await inject(.afterCommit, delivery) {
            return try await interrupt(delivery, with: interruption)
        }
        return .acknowledge(outcome)
    }

    /// Tells the broker and the history how the delivery ended.
    private func settle(_ lease: Broker.Lease, _ ending: Ending) throws(StoreError) -> Bool {
        let delivery = lease.delivery
        switch ending {
        case .acknowledge(let action):
            guard context.broker.acknowledge(lease) else {
                counts.staleAcks += 1
                record(.info, delivery, subject: HistoryEvent.Subject.delivery, detail: "ack refused: the lease ran out and the message was received again")
                return false
            }
            if action == .done {
                counts.done += 1
            } else {
                counts.skipped += 1
            }
            record(.ok, delivery, subject: HistoryEvent.Subject.delivery, detail: action == .done ? "done" : "skip")
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
        case .abandoned:
            return true
        }
    }

    /// A refused statement did not happen: roll back and fail the delivery. A store that is gone
    /// ends the run.
    private func storeFailure(
        _ delivery: Delivery, subject: String, role: StepRole? = nil, _ error: StoreError
    ) throws(StoreError) -> Ending {
        counts.storeErrors[error.kind, default: 0] += 1
        record(error.isUnavailable ? .info : .fail, delivery, subject: subject, role: role, detail: error.description)
        if error.isUnavailable { throw error }
        try rollbackIfOpen(delivery)
        return .failed("\(subject): \(error)")
    }

    private func rollbackIfOpen(_ delivery: Delivery) throws(StoreError) {
        guard context.transaction != nil else { return }
        do {
            try connection!.rollback()
            record(.ok, delivery, subject: HistoryEvent.Subject.rollback)
        } catch {
            record(.info, delivery, subject: HistoryEvent.Subject.rollback, detail: error.description)
            if error.isUnavailable { throw error }
        }
    }

    /// Fires the plan's faults at a point. Duplicates, delays and stalls happen here; a fault that
    /// ends the delivery is returned for `interrupt` to carry out.
    private func inject(_ point: InjectionPoint, _ delivery: Delivery) async -> Fault? {
        let faults = context.plan.faults(for: delivery, at: point)
        guard !faults.isEmpty else { return nil }
        for fault in faults {
            fired.append(FiredFault(delivery: delivery, point: point, fault: fault, worker: worker))
            record(.info, delivery, subject: HistoryEvent.Subject.fault, detail: "\(point.rawValue): \(fault.summary)")
            switch fault {
            case .duplicate:
                if let copy = context.broker.publishDuplicate(of: delivery, at: point) {
                    record(.info, copy, subject: HistoryEvent.Subject.published, detail: "duplicate of \(delivery.label)")
                }
            case .delay(let millis), .stall(let millis):
                // Cancellation only ends a pause early; the processor still carries on.
                try? await context.clock.sleep(nanos: UInt64(millis) * 1_000_000)
            case .crash, .timeout, .error, .storeError:
                return fault
            }
        }
        return nil
    }

    /// Carries out a fault that ends the delivery.
    private func interrupt(_ delivery: Delivery, with fault: Fault) async throws(StoreError) -> Ending {
        switch fault {
        case .crash(let restartMillis):
            // The process dies: the server rolls back what the connection had open, nobody acks.
            counts.crashed += 1
            record(.info, delivery, subject: HistoryEvent.Subject.crash, detail: "restart after \(restartMillis) ms")
            if context.transaction != nil { record(.ok, delivery, subject: HistoryEvent.Subject.rollback, detail: "connection closed by crash") }
            connection?.close()
            connection = nil
            try? await context.clock.sleep(nanos: UInt64(restartMillis) * 1_000_000)
            try reconnect()
            return .abandoned
        case .timeout(let millis):
            counts.timedOut += 1
            try? await context.clock.sleep(nanos: UInt64(millis) * 1_000_000)
            record(.info, delivery, subject: HistoryEvent.Subject.timeout, detail: "gave up after \(millis) ms")
            try rollbackIfOpen(delivery)
            return .failed("timeout after \(millis) ms")
        case .error:
            try rollbackIfOpen(delivery)
            return .failed("injected error")
        case .storeError(.busy):
            counts.storeErrors[StoreError.busy("").kind, default: 0] += 1
            try rollbackIfOpen(delivery)
            return .failed("injected store error: busy")
        case .storeError(.connectionReset):
            counts.storeErrors["connection-reset", default: 0] += 1
            if context.transaction != nil { record(.ok, delivery, subject: HistoryEvent.Subject.rollback, detail: "connection reset") }
            connection?.close()
            connection = nil
            try reconnect()
            return .failed("injected store error: connection reset")
        case .duplicate, .delay, .stall:
            preconditionFailure("\(fault.kind) does not end a delivery")
        }
    }

    /// In a simulation one thread runs every processor: each store call is preceded by a yield,
    /// so the scheduler may switch processors between any two statements as real threads would;
    /// and a store lock held by a suspended processor can never be waited out, so busy means
    /// yield (a virtual microsecond) and try again. In real mode the store's busy timeout waited.
    private func yieldingWhileBusy<T>(_ operation: () throws(StoreError) -> T) async throws(StoreError) -> T {
        if context.simulated { await Task.yield() }
        var attempts = 0
        while true {
            do {
                return try operation()
            } catch .busy(let message) {
                guard context.simulated else { throw .busy(message) }
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

    private func reconnect() throws(StoreError) {
        connection = try context.store.connect()
    }

    /// The broker moved a message past its receives to the DLQ: record it, and write it to the
    /// store's DLQ table when the scenario keeps one.
    private func deadLetter(_ delivery: Delivery) async throws(StoreError) {
        counts.deadLettered += 1
        record(.ok, delivery, subject: HistoryEvent.Subject.deadLetter, detail: "after \(delivery.attempt) receives")
        guard let statement = context.deadLetter else { return }
        let parameters = StatementParameters(
            message: Names.message(delivery.message), worker: workerName, attempt: delivery.attempt,
            copy: delivery.copy, subscriber: Names.subscriber(delivery.subscriber), seed: context.seed
        )
        do {
            _ = try await yieldingWhileBusy { () throws(StoreError) in try connection!.execute(statement, parameters) }
        } catch {
            counts.storeErrors[error.kind, default: 0] += 1
            record(.fail, delivery, subject: HistoryEvent.Subject.deadLetter, detail: error.description)
            if error.isUnavailable { throw error }
        }
    }

    private func record(
        _ kind: HistoryEvent.Kind, _ delivery: Delivery, subject: String, role: StepRole? = nil, detail: String? = nil,
        rowsReturned: Int? = nil, rowsAffected: Int? = nil, lease: Int? = nil
    ) {
        log.append(HistoryEvent(
            timeNanos: context.clock.nowNanos(), worker: worker, delivery: delivery, kind: kind, subject: subject, role: role,
            detail: detail, rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease
        ))
    }
}

extension StoreError {
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
