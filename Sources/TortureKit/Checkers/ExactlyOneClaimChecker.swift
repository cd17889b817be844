/// For every message, exactly one processor's claim step succeeded and stayed (its transaction,
/// if any, was not rolled back). Two or more is Jepsen's *duplicated*; none means never claimed.
public struct ExactlyOneClaimChecker: Checker {
    public let invariant = InvariantSpec.exactlyOneClaim.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let events = input.history.events
        var rolledBack = Set<Delivery>()
        for event in events where event.subject == HistoryEvent.Subject.rollback {
            rolledBack.insert(Delivery(message: event.message, attempt: event.attempt))
        }
        var claims: [Int: [HistoryEvent]] = [:]
        for event in events where event.kind == .ok && event.role == .claim {
            guard !rolledBack.contains(Delivery(message: event.message, attempt: event.attempt)) else { continue }
            claims[event.message, default: []].append(event)
        }
        var witnesses: [Witness] = []
        for message in 0..<input.messages {
            let won = claims[message] ?? []
            guard won.count != 1 else { continue }
            let name = Names.message(message)
            let workers = won.map { Names.worker($0.worker) }
            let text = won.isEmpty
                ? "message \(name) was never claimed"
                : "message \(name) claimed by \(WorkerList.words(workers))"
            witnesses.append(Witness(message: name, workers: workers, events: won.map(\.index), text: text))
        }
        for message in claims.keys.sorted() where !(0..<input.messages).contains(message) {
            witnesses.append(Witness(message: Names.message(message), workers: [], events: claims[message]!.map(\.index),
                                     text: "message \(Names.message(message)) was claimed but never published"))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
