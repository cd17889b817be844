/// No write lands from a processor whose lease had run out and been taken by another receive of
/// the same entry: the zombie's write. A write is a claim, submit or write step that succeeded.
public struct FencingChecker: Checker {
    public let invariant = InvariantSpec.fencing.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        var witnesses: [Witness] = []
        for event in input.history.events where event.kind == .ok && (event.role == .claim || event.role == .submit || event.role == .write) {
            let key = QueueLedger.EntryKey(message: event.message, copy: event.copy, subscriber: event.subscriber)
            guard let entry = input.ledger.entries[key] else { continue }
            // The earliest later receive of this entry that happened before the write.
            let takenBy = entry.receives.filter { $0.key > event.attempt && $0.value.timeNanos < event.timeNanos }
                .min { $0.key < $1.key }?.value
            guard let takenBy else { continue }
            let text = "\(event.delivery.label) by \(Names.worker(event.worker)) wrote `\(event.subject)` at \(Self.millis(event.timeNanos)) "
                + "after its lease passed to \(Names.worker(takenBy.worker)) (\(takenBy.delivery.label) at \(Self.millis(takenBy.timeNanos)))"
            witnesses.append(Witness(message: Names.message(event.message), workers: [Names.worker(event.worker), Names.worker(takenBy.worker)],
                                     events: [takenBy.index, event.index], text: text))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    static func millis(_ nanos: UInt64) -> String {
        Formatting.decimal(Double(nanos) / 1e6, places: 1) + " ms"
    }
}
