/// Every queue entry that used up its receives without an ack is in the DLQ exactly once; and
/// the negative space: nothing is dead-lettered before its receives ran out, or after an ack.
/// Reads the queue tally (`input.queue`): no pass of its own.
public struct EveryFailureInDLQChecker: Checker {
    public let invariant = InvariantSpec.everyFailureInDLQ.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let limit = input.policy.maxReceiveCount
        var witnesses = WitnessList()
        for (key, entry) in input.queue.entries(receivedAtLeast: limit) {
            let name = "\(input.describe(key.messageKey)) copy \(key.copy)"
            let receives = entry.receives
            let events = entry.deadLetters.map(\.index)
            if receives >= limit, !entry.acknowledged, entry.deadLetters.count != 1 {
                let text = entry.deadLetters.isEmpty
                    ? "\(name) failed all \(receives) receives but is not in the DLQ"
                    : "\(name) is in the DLQ \(entry.deadLetters.count) times"
                witnesses.append(Witness(message: Names.message(key.message), workers: [], events: events, text: text))
            } else if !entry.deadLetters.isEmpty, receives < limit || entry.acknowledged {
                let why = entry.acknowledged ? "although it was acknowledged" : "after only \(receives) of \(limit) receives"
                witnesses.append(Witness(message: Names.message(key.message), workers: entry.deadLetters.map { Names.worker($0.worker) },
                                         events: events, text: "\(name) was dead-lettered \(why)"))
            }
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
