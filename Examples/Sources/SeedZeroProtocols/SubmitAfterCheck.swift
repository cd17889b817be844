import TortureKit

/// Every submit runs after its own delivery's check finished: a checker that streams, written
/// against TortureKit's public API. It sees each event once, in the engine's one pass, and keeps
/// only each worker's last finished check — bounded by the workers, whatever the run's size.
public struct SubmitAfterCheck: StreamingChecker {
    public let invariant = "submit-after-check"

    public init() {}

    public func makeObserver(messages: Int, policy: DeliveryPolicy) -> any CheckingObserver {
        Observer(invariant: invariant)
    }

    final class Observer: CheckingObserver {
        let invariant: String
        private var lastCheck: [Int: Delivery] = [:]
        private var witnesses: [Witness] = []

        init(invariant: String) {
            self.invariant = invariant
        }

        func observe(_ event: HistoryEvent) {
            if event.subject == "check", event.kind != .invoke { lastCheck[event.worker] = event.delivery }
            guard event.subject == "submit", event.kind == .invoke, lastCheck[event.worker] != event.delivery else { return }
            witnesses.append(Witness(message: Names.message(event.message), workers: [Names.worker(event.worker)], events: [event.index],
                                     text: "\(event.delivery.label) submitted without checking first"))
        }

        func verdict(_ input: CheckInput) throws(StoreError) -> Verdict {
            Verdict(invariant: invariant, witnesses: witnesses)
        }
    }
}
