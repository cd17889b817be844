/// One worker: takes deliveries from the broker and runs the protocol's steps against its own
/// connection. An actor on a thread of its own, so its blocking store calls run beside the other
/// processors' instead of queueing behind them on the cooperative pool.
actor Processor {
    let worker: Int
    private let context: ProcessorContext
    private let executor: ThreadExecutor

    private var log: [HistoryEvent] = []
    private var latency: LatencyRecorder
    private var fired: [FiredFault] = []
    private var counts = DeliveryCounts()

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(worker: Int, context: ProcessorContext, executor: ThreadExecutor) {
        self.worker = worker
        self.context = context
        self.executor = executor
        self.latency = LatencyRecorder(stepCount: context.steps.count)
    }

    private var connection: (any StoreConnection)?

    /// Opens the processor's connection before any delivery is handed out, so a run's processing
    /// time is processing, and a store that refuses connections stops the run before it starts.
    func connect() {
        do {
            connection = try context.store.connect()
        } catch {
            context.abort.set("\(Names.worker(worker)) could not connect: \(error.message)")
        }
    }

    func run() async -> ProcessorResult {
        guard let connection else { return result() }
        defer {
            connection.close()
            self.connection = nil
        }
        while !context.abort.isSet, let delivery = context.broker.next(nowNanos: context.clock.nowNanos()) {
            do {
                let failed = try await handle(delivery, on: connection)
                context.progress.deliveryFinished(failed: failed)
            } catch {
                context.abort.set("\(Names.worker(worker)) lost the store: \(error.message)")
            }
        }
        return result()
    }

    private func result() -> ProcessorResult {
        ProcessorResult(log: log, latency: latency, fired: fired, counts: counts)
    }

    /// The one place that decides what happens to a delivery: steps in order, each step's result
    /// picking the next action, then commit or roll back, then acknowledge. Returns whether the
    /// delivery failed; throws only when the store is gone.
    private func handle(_ delivery: Delivery, on connection: any StoreConnection) async throws(StoreError) -> Bool {
        counts.deliveries += 1
        record(.invoke, delivery, subject: HistoryEvent.Subject.delivery)
        let parameters = StatementParameters(
            message: Names.message(delivery.message), worker: Names.worker(worker), attempt: delivery.attempt, seed: context.seed
        )
        if let isolation = context.transaction {
            do {
                try connection.begin(isolation)
            } catch {
                return try finish(delivery, action: .fail, reason: "begin: \(error)", storeError: error)
            }
        }

        var action = StepAction.next
        var reason: String?
        var storeError: StoreError?
        for (index, step) in context.steps.enumerated() where action == .next {
            if step.role == .claim || step.role == .submit { await inject(.beforeClaim, delivery) }
            record(.invoke, delivery, subject: step.name, role: step.role)
            let startNanos = context.clock.nowNanos()
            do {
                let result = try connection.execute(step.statement, parameters)
                latency.recordStep(index, nanos: context.clock.nowNanos() &- startNanos)
                let held = step.success.holds(for: result)
                record(held ? .ok : .fail, delivery, subject: step.name, role: step.role,
                       rowsReturned: result.rows.count, rowsAffected: result.rowsAffected)
                action = held ? step.onSuccess : step.onFailure
                if action == .fail { reason = "\(step.name): \(step.success.rawValue) did not hold" }
            } catch {
                latency.recordStep(index, nanos: context.clock.nowNanos() &- startNanos)
                // A statement the store refused did not happen; a lost connection might have.
                record(error.isUnavailable ? .info : .fail, delivery, subject: step.name, role: step.role, detail: error.description)
                action = .fail
                reason = "\(step.name): \(error)"
                storeError = error
                break
            }
            switch step.role {
            case .read: await inject(.afterRead, delivery)
            case .claim, .submit: await inject(.afterClaim, delivery)
            case .write: break
            }
        }
        if action == .next { action = .done }

        if context.transaction != nil {
            if action == .fail || storeError != nil {
                try rollback(delivery, on: connection)
            } else {
                await inject(.beforeCommit, delivery)
                record(.invoke, delivery, subject: HistoryEvent.Subject.commit)
                do {
                    try connection.commit()
                    record(.ok, delivery, subject: HistoryEvent.Subject.commit)
                    await inject(.afterCommit, delivery)
                } catch {
                    record(error.isUnavailable ? .info : .fail, delivery, subject: HistoryEvent.Subject.commit, detail: error.description)
                    try rollback(delivery, on: connection)
                    action = .fail
                    reason = "commit: \(error)"
                    storeError = error
                }
            }
        }
        return try finish(delivery, action: action, reason: reason, storeError: storeError)
    }

    private func finish(_ delivery: Delivery, action: StepAction, reason: String?, storeError: StoreError?) throws(StoreError) -> Bool {
        if let storeError {
            counts.storeErrors[storeError.kind, default: 0] += 1
            if storeError.isUnavailable { throw storeError }
        }
        switch action {
        case .done:
            counts.done += 1
            let firstNanos = context.broker.firstDeliveredNanos(message: delivery.message)
            latency.recordEndToEnd(nanos: context.clock.nowNanos() &- firstNanos)
            record(.ok, delivery, subject: HistoryEvent.Subject.delivery, detail: "done")
        case .skip:
            counts.skipped += 1
            record(.ok, delivery, subject: HistoryEvent.Subject.delivery, detail: "skip")
        case .fail, .next:
            counts.failed += 1
            record(.fail, delivery, subject: HistoryEvent.Subject.delivery, detail: reason)
        }
        return action == .fail
    }

    private func rollback(_ delivery: Delivery, on connection: any StoreConnection) throws(StoreError) {
        do {
            try connection.rollback()
            record(.ok, delivery, subject: HistoryEvent.Subject.rollback)
        } catch {
            record(.info, delivery, subject: HistoryEvent.Subject.rollback, detail: error.description)
            if error.isUnavailable { throw error }
        }
    }

    private func inject(_ point: InjectionPoint, _ delivery: Delivery) async {
        guard let fault = context.plan.fault(message: delivery.message, attempt: delivery.attempt, point: point) else { return }
        fired.append(FiredFault(message: delivery.message, attempt: delivery.attempt, point: point, fault: fault, worker: worker))
        record(.info, delivery, subject: HistoryEvent.Subject.fault, detail: "\(point.rawValue): \(fault.summary)")
        switch fault {
        case .delay(let millis):
            // Cancellation only ends a delay early; the step that follows still runs.
            try? await context.clock.sleep(nanos: UInt64(millis) * 1_000_000)
        }
    }

    private func record(
        _ kind: HistoryEvent.Kind, _ delivery: Delivery, subject: String, role: StepRole? = nil, detail: String? = nil,
        rowsReturned: Int? = nil, rowsAffected: Int? = nil
    ) {
        log.append(HistoryEvent(
            timeNanos: context.clock.nowNanos(), worker: worker, message: delivery.message, attempt: delivery.attempt,
            kind: kind, subject: subject, role: role, detail: detail, rowsReturned: rowsReturned, rowsAffected: rowsAffected
        ))
    }
}

extension StoreError {
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
