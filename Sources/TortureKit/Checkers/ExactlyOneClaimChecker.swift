/// For every message, exactly one processor's claim step succeeded and stayed (its transaction,
/// if any, was not rolled back). Two or more is Jepsen's *duplicated*; none means never claimed.
public struct ExactlyOneClaimChecker: Checker {
    public let invariant = InvariantSpec.exactlyOneClaim.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let events = input.history.events
        var rolledBack = Set<Delivery>()
        for event in events where event.subject == HistoryEvent.Subject.rollback && event.kind == .ok {
            rolledBack.insert(event.delivery)
        }
        var claims: [QueueLedger.MessageKey: [HistoryEvent]] = [:]
        for event in events where event.kind == .ok && event.role == .claim && !event.delivery.isActorTick {
            guard !rolledBack.contains(event.delivery) else { continue }
            claims[QueueLedger.MessageKey(message: event.message, subscriber: event.subscriber), default: []].append(event)
        }
        var witnesses: [Witness] = []
        for key in input.ledger.published.sorted() {
            let won = claims[key] ?? []
            guard won.count != 1 else { continue }
            let workers = won.map { Names.worker($0.worker) }
            let text = won.isEmpty
                ? "message \(input.describe(key)) was never claimed"
                : "message \(input.describe(key)) claimed by \(WorkerList.words(workers))"
            witnesses.append(Witness(message: Names.message(key.message), workers: workers, events: won.map(\.index), text: text))
        }
        for key in claims.keys.sorted() where !input.ledger.published.contains(key) {
            witnesses.append(Witness(message: Names.message(key.message), workers: [], events: claims[key]!.map(\.index),
                                     text: "message \(input.describe(key)) was claimed but never published"))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
