/// Sees every event about a delivery once, in order: how a checker reads a history that is never
/// held whole. The engine feeds the queue tally and every streaming checker's observer in one
/// pass, and leaves out the actors' runs (`HistoryEvent.isAboutDelivery`).
public protocol HistoryObserver: AnyObject {
    func observe(_ event: HistoryEvent)
}

/// A streaming checker's state during the pass, and its verdict after it.
public protocol CheckingObserver: HistoryObserver {
    /// After the pass; `input.queue` is complete.
    func verdict(_ input: CheckInput) throws(StoreError) -> Verdict
}

/// A checker that reads the history in one pass beside the others, with state bounded as its
/// documentation says, instead of walking `input.history` itself.
public protocol StreamingChecker: Checker {
    func makeObserver(messages: Int, policy: DeliveryPolicy) -> any CheckingObserver
}

extension StreamingChecker {
    /// Alone: a pass of its own.
    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let observer = makeObserver(messages: input.messages, policy: input.policy)
        for event in input.history.deliveryEvents { observer.observe(event) }
        return try observer.verdict(input)
    }
}
