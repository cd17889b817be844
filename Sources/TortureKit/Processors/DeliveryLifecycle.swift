/// The one owner of a processor's delivery. `deliver` reads as what happens to it, in order:
/// receive → begin → handler → before-commit → commit → processed → after-commit → before-ack →
/// settle. It decides every step; the helpers it calls (the recorder, the store caller, the fault
/// executor, the broker settlement) only carry out and report back. A delivery that ends early —
/// a fault, a refused statement, the handler's `fail` — goes straight to `settle`.
///
/// This is where a new kind of participant plugs in: a handler of another kind (a process
/// speaking JSON lines, say) is one more `DeliveryHandler` run at the `handler` step, and gets
/// the same lease, transaction, injection points, history and settlement as every other.
struct DeliveryLifecycle {
    let machinery: ParticipantMachinery
    /// What the handler works with; reset for each delivery.
    let delivery: DeliveryContext

    init(machinery: ParticipantMachinery) {
        self.machinery = machinery
        self.delivery = DeliveryContext(machinery: machinery)
    }

    private var context: ProcessorContext { machinery.context }

    /// Carries one received delivery through to the broker's answer; `receivedAtNanos`, the
    /// clock's reading the broker was asked at, stamps the receive.
    nonisolated(nonsending) func deliver(_ lease: Broker.Lease, receivedAtNanos: UInt64? = nil) async -> DeliveryOutcome {
        let handler = context.handler
        let isolation = handler.isolation
        let work = WorkItem.delivery(lease.delivery)
        let receivedBefore = machinery.counts.deliveries

        // receive
        delivery.begin(lease)
        machinery.counts.deliveries += 1
        machinery.record(.invoke, work, subject: HistoryEvent.Subject.delivery, lease: lease.token, at: receivedAtNanos)
        assert(machinery.counts.deliveries == receivedBefore + 1, "a receive is counted once")

        // begin
        if let ended = await machinery.begin(isolation, work) { return settle(lease, ended) }

        // handler
        let decision: DeliveryDecision
        switch await machinery.callHandler(handler, delivery, work) {
        case .ended(let ended): return settle(lease, ended)
        case .decided(let decided): decision = decided
        }

        // before-commit, commit: the handler's own when it commits itself.
        let commitsHere = !handler.commitsItself
        if commitsHere, let ended = await machinery.fire(.beforeCommit, work) { return settle(lease, ended) }
        if let ended = await machinery.commit(isolation, work) { return settle(lease, ended) }

        // processed: the work has landed, whatever happens to the ack.
        if decision == .done {
            let nowNanos = context.clock.nowNanos()
            machinery.record(.ok, work, subject: HistoryEvent.Subject.processed, at: nowNanos)
            // The broker stamps a first delivery at 1 ns at the earliest: 0 means "not yet".
            assert(max(1, nowNanos) >= lease.firstDeliveredNanos, "a message is processed after its first delivery")
            machinery.latency.recordEndToEnd(nanos: nowNanos >= lease.firstDeliveredNanos ? nowNanos - lease.firstDeliveredNanos : 0)
        }

        // after-commit, before-ack
        if commitsHere, let ended = await machinery.fire(.afterCommit, work) { return settle(lease, ended) }
        if let ended = await machinery.fire(.beforeAck, work) { return settle(lease, ended) }

        return settle(lease, .acknowledge(decision))
    }

    /// ack / swallow / nack / abandon: what the broker hears of how the delivery ended.
    private func settle(_ lease: Broker.Lease, _ ending: DeliveryEnding) -> DeliveryOutcome {
        switch ending {
        case .acknowledge(let decision):
            guard machinery.acknowledge(lease, decision) else { return .ackRefused }
            return .acknowledged(decision == .done ? .done : .skip)
        case .failed(let reason) where context.onError == .ack:
            machinery.swallow(lease, reason: reason)
            return .swallowed(reason)
        case .failed(let reason):
            machinery.nack(lease, reason: reason)
            return .nacked(reason)
        case .abandoned:
            // Nobody tells the broker: the lease runs out.
            return .abandoned
        case .storeGone(let error):
            assert(error.isUnavailable, "only a lost store ends the run")
            return .storeLost(error)
        }
    }
}

/// How a delivery was settled with the broker.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Acknowledged as `done` or `skip`.
    case acknowledged(HistoryFact.Acknowledgement)
    /// The ack was refused: the lease had run out and the entry was received again.
    case ackRefused
    /// It failed and the protocol acknowledged it anyway (`on-error: ack`).
    case swallowed(String)
    /// It failed: the entry becomes visible again after the retry delay.
    case nacked(String)
    /// A crash, or the run's deadline: nobody told the broker, the lease runs out.
    case abandoned
    /// The store is gone: the run ends.
    case storeLost(StoreError)

    /// What the progress line counts as failed.
    var failed: Bool {
        switch self {
        case .acknowledged, .ackRefused: false
        case .swallowed, .nacked, .abandoned, .storeLost: true
        }
    }
}
