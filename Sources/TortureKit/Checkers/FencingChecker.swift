/// No write lands from a processor whose lease had run out and been taken by another receive of
/// the same entry: the zombie's write. "Taken" means the later receive's claim succeeded; a write
/// counts only if it started after that claim finished, so operations that overlapped in time
/// (and might have been ordered either way by the store) are never blamed.
public struct FencingChecker: Checker {
    public let invariant = InvariantSpec.fencing.name

    public init() {}

    private struct StepKey: Hashable {
        var delivery: Delivery
        var subject: String
    }

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        var invokedAt: [StepKey: UInt64] = [:]
        var claims: [QueueLedger.EntryKey: [HistoryEvent]] = [:]
        var writes: [(invokedNanos: UInt64, event: HistoryEvent)] = []
        for event in input.history.events where event.role != nil && !event.delivery.isActorTick {
            let key = StepKey(delivery: event.delivery, subject: event.subject)
            if event.kind == .invoke {
                invokedAt[key] = event.timeNanos
                continue
            }
            guard event.kind == .ok else { continue }
            if event.role == .claim {
                claims[QueueLedger.EntryKey(message: event.message, copy: event.copy, subscriber: event.subscriber), default: []].append(event)
            }
            writes.append((invokedAt[key] ?? event.timeNanos, event))
        }
        var witnesses: [Witness] = []
        for (invokedNanos, write) in writes {
            let entry = QueueLedger.EntryKey(message: write.message, copy: write.copy, subscriber: write.subscriber)
            let takenBy = claims[entry]?.first { $0.attempt > write.attempt && $0.timeNanos < invokedNanos }
            guard let takenBy else { continue }
            let text = "\(write.delivery.label) by \(Names.worker(write.worker)) wrote `\(write.subject)` at \(Self.millis(invokedNanos)) "
                + "after \(Names.worker(takenBy.worker)) took the message over (\(takenBy.delivery.label) claimed at \(Self.millis(takenBy.timeNanos)))"
            witnesses.append(Witness(message: Names.message(write.message), workers: [Names.worker(write.worker), Names.worker(takenBy.worker)],
                                     events: [takenBy.index, write.index], text: text))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    static func millis(_ nanos: UInt64) -> String {
        Formatting.decimal(Double(nanos) / 1e6, places: 1) + " ms"
    }
}
