/// For every message, exactly one processor's claim step succeeded and stayed (its transaction,
/// if any, was not rolled back). Two or more is Jepsen's *duplicated*; none means never claimed —
/// unless the message was dead-lettered: every receive failed and it is in the DLQ, as the
/// protocol promises (a swarm run that scales a fault up reaches it; no-loss accounts for it).
///
/// Streams: a delivery's claims wait with the delivery until its worker starts its next one (a
/// rollback can only come before that), then count. Kept per message: its first claim (12 bytes
/// in flat arrays; further claims, the violations, in a dictionary) — a message claimed again at
/// the run's very end is still a violation, so no message's claim can be dropped before the end.
public struct ExactlyOneClaimChecker: StreamingChecker {
    public let invariant = InvariantSpec.exactlyOneClaim.name

    public init() {}

    public func makeObserver(messages: Int, policy: DeliveryPolicy) -> any CheckingObserver {
        Observer(invariant: invariant, keys: messages * policy.subscribers, subscribers: policy.subscribers)
    }

    final class Observer: CheckingObserver {
        let invariant: String
        private var inFlight = DeliveriesInFlight()
        /// Claims of deliveries not yet settled, and whether each delivery rolled back.
        private var pending: [Delivery: (claims: [EventReference], rolledBack: Bool)] = [:]
        private let subscribers: Int
        /// Per published key (message × subscribers + subscriber): its first settled claim; -1: none.
        private var firstIndex: [Int]
        private var firstWorker: [Int32]
        /// Per published key: whether a copy of it was dead-lettered.
        private var deadLettered: [Bool]
        private var more: [MessageKey: [EventReference]] = [:]
        private var unpublished: [MessageKey: [EventReference]] = [:]

        init(invariant: String, keys: Int, subscribers: Int) {
            self.invariant = invariant
            self.subscribers = subscribers
            firstIndex = Array(repeating: -1, count: keys)
            firstWorker = Array(repeating: 0, count: keys)
            deadLettered = Array(repeating: false, count: keys)
        }

        private func slot(_ key: MessageKey) -> Int? {
            guard key.message >= 0, key.subscriber >= 0, key.subscriber < subscribers else { return nil }
            let slot = key.message * subscribers + key.subscriber
            return slot < firstIndex.count ? slot : nil
        }

        /// Every settled claim of a key, in history order.
        private func claims(_ key: MessageKey) -> [EventReference] {
            guard let slot = slot(key) else { return (unpublished[key] ?? []).sorted { $0.index < $1.index } }
            guard firstIndex[slot] >= 0 else { return [] }
            let first = EventReference(index: firstIndex[slot], worker: Int(firstWorker[slot]))
            return ([first] + (more[key] ?? [])).sorted { $0.index < $1.index }
        }

        func observe(_ event: HistoryEvent) {
            if let ended = inFlight.observe(event) { settle(ended) }
            if event.kind == .ok, event.subject == HistoryEvent.Subject.rollback {
                pending[event.delivery, default: ([], false)].rolledBack = true
            } else if event.kind == .ok, event.role == .claim {
                pending[event.delivery, default: ([], false)].claims.append(EventReference(event))
            } else if event.kind == .ok, event.subject == HistoryEvent.Subject.deadLetter,
                      let slot = slot(MessageKey(message: event.message, subscriber: event.subscriber)) {
                deadLettered[slot] = true
            }
        }

        private func settle(_ delivery: Delivery) {
            guard let settled = pending.removeValue(forKey: delivery), !settled.rolledBack else { return }
            let key = MessageKey(message: delivery.message, subscriber: delivery.subscriber)
            for claim in settled.claims {
                if let slot = slot(key) {
                    if firstIndex[slot] < 0 {
                        firstIndex[slot] = claim.index
                        firstWorker[slot] = Int32(claim.worker)
                    } else {
                        more[key, default: []].append(claim)
                    }
                } else {
                    unpublished[key, default: []].append(claim)
                }
            }
        }

        func verdict(_ input: CheckInput) throws(StoreError) -> Verdict {
            // Deliveries still open at the end, and claims made outside any delivery (hand-made
            // histories), settle now.
            for delivery in Array(pending.keys) { settle(delivery) }
            assert(pending.isEmpty, "every delivery's claims are settled before the verdict")
            var witnesses = WitnessList()
            for message in 0..<input.messages {
                for subscriber in 0..<input.policy.subscribers {
                    let key = MessageKey(message: message, subscriber: subscriber)
                    let won = claims(key)
                    guard won.count != 1, !(won.isEmpty && deadLettered[slot(key)!]) else { continue }
                    witnesses.append(Self.witness(key, won: won, input: input))
                }
            }
            for key in unpublished.keys.sorted() {
                witnesses.append(Witness(message: Names.message(key.message), workers: [], events: claims(key).map(\.index),
                                         text: "message \(input.describe(key)) was claimed but never published"))
            }
            return Verdict(invariant: invariant, witnesses: witnesses)
        }

        private static func witness(_ key: MessageKey, won: [EventReference], input: CheckInput) -> Witness {
            let workers = won.map { Names.worker($0.worker) }
            let text = won.isEmpty
                ? "message \(input.describe(key)) was never claimed"
                : "message \(input.describe(key)) claimed by \(WorkerList.words(workers))"
            return Witness(message: Names.message(key.message), workers: workers, events: won.map(\.index), text: text)
        }
    }
}
