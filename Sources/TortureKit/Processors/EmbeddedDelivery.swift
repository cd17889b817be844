/// One delivery of a `DeliveryHandler`, driven in a test without a run: swift-nio's
/// `EmbeddedChannel`, for a handler. It goes through the same `DeliveryLifecycle` as every
/// delivery of a run — begin, the handler, before-commit, commit, processed, after-commit,
/// before-ack, settle — against the store you give it, with the faults you choose at the points
/// you choose, on a `ManualClock` (or a clock of your own), and hands back what it recorded.
///
/// ```swift
/// var embedded = EmbeddedDelivery(IdempotentSubmit(), store: store)
/// embedded.faults[.afterClaim] = [.crash(restartMillis: 5)]
/// let result = await embedded.run()
/// #expect(result.outcome == .abandoned)
/// ```
///
/// The store must already hold the handler's schema. The delivery runs on the caller's executor;
/// store calls block it, which is fine for one delivery in a test.
public struct EmbeddedDelivery {
    public var handler: any DeliveryHandler
    public var store: any Store
    /// The message's number (bound as `:message` `m-00000`, `:message_number` 0).
    public var message = 0
    public var copy = 1
    /// The receive this is, as the lease states it (SQS's ApproximateReceiveCount).
    public var attempt = 1
    public var subscriber = 0
    /// The faults that fire at each point, in order: at most one that ends the delivery, last.
    public var faults: [InjectionPoint: [Fault]] = [:]
    public var onError = ErrorHandling.nack
    public var seed = Seed(0)
    public var clock: any TortureClock = ManualClock()
    /// The lease, so a stall past it lets the ack be refused.
    public var visibilityTimeoutMillis = 30_000

    public init(_ handler: any DeliveryHandler, store: any Store) {
        self.handler = handler
        self.store = store
    }

    /// Connects, carries the delivery through its lifecycle, disconnects.
    public func run() async -> EmbeddedDeliveryResult {
        precondition(message >= 0 && copy >= 1 && attempt >= 1 && subscriber >= 0, "messages and subscribers count from 0, copies and receives from 1")
        for (point, planned) in faults {
            precondition(planned.filter(\.kind.endsDelivery).count <= 1 && (planned.dropLast().allSatisfy { !$0.kind.endsDelivery }),
                         "at \(point.rawValue) at most one fault ends the delivery, and it comes last")
        }
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: visibilityTimeoutMillis, maxReceiveCount: max(attempt, 1),
                                    retryDelayMillis: 0, subscribers: 1)
        let broker = Broker(schedule: [Delivery(message: message, copy: 1, attempt: 1)], messages: message + 1, policy: policy)
        let context = ProcessorContext(
            handler: handler, deadLetter: nil, onError: onError, seed: seed, plan: FaultPlan(seed: seed, profile: FaultProfile()),
            broker: broker, clock: clock, store: store, progress: RunProgress(), abort: RunAbort(), mode: .threads,
            deadlineAfterNanos: UInt64.max / 2, stop: RunStop(), historyBudget: HistoryBudget(), historyShareBytes: 64 << 20)
        let planned = faults
        let machinery = ParticipantMachinery(
            participant: Participant(worker: 0, name: Names.worker(0), steps: handler.steps, transactional: handler.isolation != nil,
                                     faults: { _, point in planned[point] ?? [] }),
            context: context)
        let lifecycle = DeliveryLifecycle(machinery: machinery)
        do {
            try machinery.reconnect()
        } catch {
            return EmbeddedDeliveryResult(outcome: .storeLost(error), history: [], counts: DeliveryCounts(), firedFaults: [])
        }
        machinery.start(atNanos: clock.nowNanos())
        guard case .delivery(var lease) = broker.receive(nowNanos: clock.nowNanos()) else {
            preconditionFailure("a broker with one entry hands it out")
        }
        // The lease states the delivery asked for; the broker's entry is the one it handed out.
        lease.delivery = Delivery(message: message, copy: copy, attempt: attempt, subscriber: subscriber)
        let outcome = await lifecycle.deliver(lease)
        machinery.disconnect()
        let result = machinery.result()
        return EmbeddedDeliveryResult(outcome: outcome, history: Array(History(logs: [result.log])), counts: result.counts,
                                      firedFaults: result.fired.firstFaults)
    }
}

/// What an embedded delivery did.
public struct EmbeddedDeliveryResult: Sendable {
    /// How it was settled with the broker.
    public var outcome: DeliveryOutcome
    /// Every event it recorded, in order: the invoke, each step, faults, commit, processed, the ack.
    public var history: [HistoryEvent]
    public var counts: DeliveryCounts
    public var firedFaults: [FiredFault]

    /// The events of one step (or reserved subject), in order.
    public func events(_ subject: String) -> [HistoryEvent] { history.filter { $0.subject == subject } }

    /// Whether the work landed (`processed` was recorded).
    public var processed: Bool { history.contains { $0.subject == HistoryEvent.Subject.processed && $0.kind == .ok } }
}
