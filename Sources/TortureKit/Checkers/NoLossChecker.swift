/// Every published message ends processed or dead-lettered — Jepsen's queue checker, except
/// that a message processed twice (*duplicated*) fails the run here too. Reads the queue tally
/// (`input.queue`): no pass of its own.
public struct NoLossChecker: Checker {
    public let invariant = InvariantSpec.noLoss.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let queue = input.queue
        var witnesses = WitnessList()
        for message in 0..<queue.messages {
            for subscriber in 0..<queue.subscribers {
                let key = MessageKey(message: message, subscriber: subscriber)
                if queue.isLost(key) {
                    witnesses.append(Witness(message: Names.message(key.message), workers: [], events: [],
                                             text: "lost: message \(input.describe(key)) was neither processed, acknowledged nor dead-lettered (\(queue.receives(key)) receives)"))
                } else if queue.processedCount(key) > 1 {
                    let processed = queue.processed(key)
                    let workers = processed.map { Names.worker($0.worker) }
                    witnesses.append(Witness(message: Names.message(key.message), workers: workers, events: processed.map(\.index),
                                             text: "duplicated: message \(input.describe(key)) processed \(processed.count) times, by \(WorkerList.words(workers))"))
                }
            }
        }
        for key in queue.unpublishedKeys where queue.processedCount(key) > 0 {
            let processed = queue.processed(key)
            witnesses.append(Witness(message: Names.message(key.message), workers: processed.map { Names.worker($0.worker) },
                                     events: processed.map(\.index), text: "unexpected: message \(input.describe(key)) was processed but never published"))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
