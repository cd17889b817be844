/// One worker: receives deliveries from the broker and hands each to its `DeliveryLifecycle`,
/// against its own connection. An actor on an executor of its own (a thread, or a lane of the
/// simulation), so its blocking store calls run beside the other processors' instead of queueing
/// behind them on the cooperative pool.
actor Processor {
    let worker: Int
    private let machinery: ParticipantMachinery
    private let lifecycle: DeliveryLifecycle
    private let executor: any SerialExecutor

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// What the processor's task prefers to run on: its own executor (a thread, or a thread it
    /// shares), so nothing it awaits outside the actor hops through the global pool.
    nonisolated var preferredTaskExecutor: (any TaskExecutor)? { executor as? any TaskExecutor }

    init(worker: Int, context: ProcessorContext, executor: any SerialExecutor) {
        self.worker = worker
        self.executor = executor
        self.machinery = ParticipantMachinery(participant: .processor(worker, context), context: context)
        self.lifecycle = DeliveryLifecycle(machinery: machinery)
        machinery.polling = executor as? PollingExecutor
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
        machinery.start(atNanos: startNanos)
        defer { machinery.disconnect() }
        while machinery.isConnected, !context.abort.isSet {
            await machinery.receiveLatency()
            let now = context.clock.nowNanos()
            if now >= machinery.deadlineAtNanos || context.stop.isSet {
                machinery.gaveUp = true
                break
            }
            switch context.broker.receive(nowNanos: now) {
            case .drained:
                return machinery.result()
            case .wait(let untilNanos):
                assert(untilNanos > now, "a wait lies ahead")
                try? await context.clock.sleep(nanos: min(untilNanos &- now, ProcessorContext.idlePollNanos))
            case .deadLettered(let entry):
                do {
                    try await machinery.deadLetter(entry)
                } catch {
                    context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
                }
                context.broker.deadLetterSettled()
            case .delivery(let lease):
                assert(lease.expiresAtNanos >= now, "a lease runs from its receive")
                let outcome = await lifecycle.deliver(lease, receivedAtNanos: now)
                if case .storeLost(let error) = outcome {
                    context.abort.set("\(machinery.workerName) lost the store: \(error.message)")
                } else {
                    context.progress.deliveryFinished(failed: outcome.failed)
                }
            }
        }
        return machinery.result()
    }
}
