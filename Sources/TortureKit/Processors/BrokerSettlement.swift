/// Telling the broker and the history how a delivery ended, once the lifecycle has decided it:
/// each function carries out one ending.
extension ParticipantMachinery {
    /// The delivery is acknowledged with the handler's decision. False when the broker refused
    /// the ack: the lease had run out and the entry was received again (a zombie).
    func acknowledge(_ lease: Broker.Lease, _ decision: DeliveryDecision) -> Bool {
        let acknowledgement: HistoryFact.Acknowledgement
        switch decision {
        case .done: acknowledgement = .done
        case .skip: acknowledgement = .skip
        case .fail: preconditionFailure("a failed delivery is nacked, not acknowledged")
        }
        guard context.broker.acknowledge(lease) else {
            counts.staleAcks += 1
            record(.info, .delivery(lease.delivery), subject: HistoryEvent.Subject.delivery,
                   detail: "ack refused: the lease ran out and the message was received again", fact: .ackRefused)
            return false
        }
        let settled = counts.done + counts.skipped
        if acknowledgement == .done { counts.done += 1 } else { counts.skipped += 1 }
        assert(counts.done + counts.skipped == settled + 1, "one acknowledgement is counted once")
        record(.ok, .delivery(lease.delivery), subject: HistoryEvent.Subject.delivery, detail: acknowledgement.rawValue,
               fact: .acknowledged(acknowledgement))
        return true
    }

    /// The bug seed 001 warns about: the handler catches the error and returns success, so the
    /// failed delivery is acknowledged.
    func swallow(_ lease: Broker.Lease, reason: String) {
        counts.swallowed += 1
        let acknowledged = context.broker.acknowledge(lease)
        record(acknowledged ? .ok : .info, .delivery(lease.delivery), subject: HistoryEvent.Subject.delivery, detail: "swallowed: \(reason)",
               fact: acknowledged ? .acknowledged(.swallowed) : .ackRefused)
    }

    /// The delivery failed: the broker makes the entry visible again after its retry delay.
    func nack(_ lease: Broker.Lease, reason: String) {
        counts.failed += 1
        context.broker.release(lease, nowNanos: context.clock.nowNanos())
        record(.fail, .delivery(lease.delivery), subject: HistoryEvent.Subject.delivery, detail: reason)
    }
}
