/// One worker: receives deliveries from the broker and carries each through its lifecycle —
/// lease, transaction, the handler's work, commit, ack — against its own connection. An actor on
/// an executor of its own (a thread, or a lane of the simulation), so its blocking store calls run
/// beside the other processors' instead of queueing behind them on the cooperative pool.
actor Processor {
    let worker: Int
    private let machinery: ProcessorMachinery
    private let delivery: DeliveryContext
    private let executor: any SerialExecutor

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(worker: Int, context: ProcessorContext, executor: any SerialExecutor) {
        self.worker = worker
        self.executor = executor
        self.machinery = ProcessorMachinery(participant: .processor(worker, context), context: context)
        self.delivery = DeliveryContext(machinery: machinery)
    }

    private var context: ProcessorContext { machinery.context }

    /// Opens the processor's connection before any delivery is handed out, so a run's processing
    /// time is processing, and a store that refuses connections stops the run before it starts.
    func connect() {
        do {
            try machinery.reconnect()
        } catch {
            context.abort.set("\(machinery.workerName) could not connect: \(error.message)")
        }
    }

    /// Takes deliveries until the broker runs dry, the store is gone, or the run's deadline
    /// (`startNanos` + the context's deadline) passes.
    func run(startNanos: UInt64) async -> ProcessorResult {
        machinery.startNanos = startNanos
        machinery.deadlineNanos = startNanos &+ context.deadlineNanos
        defer { machinery.disconnect() }
        while machinery.isConnected, !context.abort.isSet {
            await machinery.receiveLatency()
            let now = context.clock.nowNanos()
            if now >= machinery.deadlineNanos || context.stop.isSet {
                machinery.gaveUp = true
                break
            }
            switch context.broker.receive(nowNanos: now) {
            case .drained:
                return machinery.result()
            case .wait(let untilNanos):
                try? await context.clock.sleep(nanos: min(untilNanos &- now, ProcessorContext.idlePollNanos))
            case .deadLettered(let entry):
                do {
                    try await machinery.deadLetter(entry)
                } catch {
                    context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
                }
                context.broker.deadLetterSettled()
            case .delivery(let lease):
                do {
                    let failed = try await handle(lease)
                    context.progress.deliveryFinished(failed: failed)
                } catch {
                    context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
                }
            }
        }
        return machinery.result()
    }

    /// The one place that decides what happens to a delivery: begin, the handler's work (or an
    /// injected fault) deciding how it ended, commit or roll back, then acknowledge or nack.
    /// Returns whether the delivery failed; throws only when the store is gone.
    private func handle(_ lease: Broker.Lease) async throws(StoreError) -> Bool {
        delivery.begin(lease)
        let entry = lease.delivery
        machinery.counts.deliveries += 1
        machinery.record(.invoke, entry, subject: HistoryEvent.Subject.delivery, lease: lease.token)
        var ending = await work(entry, firstDeliveredNanos: lease.firstDeliveredNanos)
        if case .acknowledge = ending, let interrupted = await machinery.fire(.beforeAck, entry) {
            ending = interrupted
        }
        if case .storeGone(let error) = ending { throw error }
        return machinery.settle(lease, ending)
    }

    /// Begin, the handler, commit: the transaction is settled (committed or rolled back) when it
    /// returns.
    private func work(_ entry: Delivery, firstDeliveredNanos: UInt64) async -> DeliveryEnding {
        let decision: DeliveryDecision
        switch await machinery.beginHandleCommit(context.handler, delivery, entry) {
        case .ended(let ending): return ending
        case .committed(let committed): decision = committed
        }
        // The work has landed: whatever happens to the ack, the message was processed.
        if decision == .done {
            machinery.record(.ok, entry, subject: HistoryEvent.Subject.processed)
            machinery.latency.recordEndToEnd(nanos: context.clock.nowNanos() &- firstDeliveredNanos)
        }
        if let interrupted = await machinery.fire(.afterCommit, entry) {
            return interrupted
        }
        return .acknowledge(decision)
    }
}
