/// No write lands from a processor whose lease had run out and been taken by another receive of
/// the same entry: the zombie's write. "Taken" means the later receive's claim succeeded; a write
/// counts only if it started after that claim finished, so operations that overlapped in time
/// (and might have been ordered either way by the store) are never blamed.
///
/// Streams with state bounded by the deliveries in flight: a claim that can fence a write ends
/// before the write starts, so it is already seen when the write's `ok` arrives; and only a
/// delivery of the same entry still in flight can write after it, so an entry's claims are
/// dropped once no delivery of it is in flight.
public struct FencingChecker: StreamingChecker {
    public let invariant = InvariantSpec.fencing.name

    public init() {}

    public func makeObserver(messages: Int, policy: DeliveryPolicy) -> any CheckingObserver {
        Observer(invariant: invariant)
    }

    private struct Claim {
        var attempt: Int
        var timeNanos: UInt64
        var worker: Int
        var index: Int
        var label: String
    }

    final class Observer: CheckingObserver {
        let invariant: String
        private var inFlight = DeliveriesInFlight()
        private var entriesInFlight: [EntryKey: Int] = [:]
        /// The sum of `entriesInFlight`: one for each worker's delivery in flight.
        private var deliveriesCounted = 0
        /// When each step of each delivery in flight was last invoked.
        private var invokedAt: [Delivery: [String: UInt64]] = [:]
        private var claims: [EntryKey: [Claim]] = [:]
        private var witnesses = WitnessList()

        init(invariant: String) {
            self.invariant = invariant
        }

        func observe(_ event: HistoryEvent) {
            if let ended = inFlight.observe(event) { settle(ended) }
            if event.subject == HistoryEvent.Subject.delivery, event.kind == .invoke {
                entriesInFlight[EntryKey(message: event.message, copy: event.copy, subscriber: event.subscriber), default: 0] += 1
                deliveriesCounted += 1
                assert(deliveriesCounted == inFlight.count, "each worker's delivery in flight is counted against its entry once")
            }
            guard event.role != nil else { return }
            if event.kind == .invoke {
                invokedAt[event.delivery, default: [:]][event.subject] = event.timeNanos
                return
            }
            guard event.kind == .ok else { return }
            let entry = event.entryKey
            let invokedNanos = invokedAt[event.delivery]?[event.subject] ?? event.timeNanos
            if let takenBy = claims[entry]?.first(where: { $0.attempt > event.attempt && $0.timeNanos < invokedNanos }) {
                witnesses.append(Self.witness(event, invokedNanos: invokedNanos, takenBy: takenBy))
            }
            if event.role == .claim {
                claims[entry, default: []].append(Claim(attempt: event.attempt, timeNanos: event.timeNanos, worker: event.worker,
                                                        index: event.index, label: event.delivery.label))
            }
        }

        private func settle(_ delivery: Delivery) {
            invokedAt[delivery] = nil
            let entry = EntryKey(message: delivery.message, copy: delivery.copy, subscriber: delivery.subscriber)
            guard let open = entriesInFlight[entry] else {
                assertionFailure("a delivery that ends was counted in flight when it was received")
                return
            }
            assert(open > 0, "an entry kept in flight has a delivery in flight")
            deliveriesCounted -= 1
            if open > 1 {
                entriesInFlight[entry] = open - 1
            } else {
                entriesInFlight[entry] = nil
                claims[entry] = nil
            }
        }

        func verdict(_ input: CheckInput) throws(StoreError) -> Verdict {
            Verdict(invariant: invariant, witnesses: witnesses)
        }

        private static func witness(_ event: HistoryEvent, invokedNanos: UInt64, takenBy: Claim) -> Witness {
            let text = "\(event.delivery.label) by \(Names.worker(event.worker)) wrote `\(event.subject)` at \(FencingChecker.millis(invokedNanos)) "
                + "after \(Names.worker(takenBy.worker)) took the message over (\(takenBy.label) claimed at \(FencingChecker.millis(takenBy.timeNanos)))"
            return Witness(message: Names.message(event.message), workers: [Names.worker(event.worker), Names.worker(takenBy.worker)],
                           events: [takenBy.index, event.index], text: text)
        }
    }

    static func millis(_ nanos: UInt64) -> String {
        Formatting.decimal(Double(nanos) / 1e6, places: 1) + " ms"
    }
}
