@testable import TortureKit

// The checkers as they were before histories streamed (one `HistoryEvent` value per event, a
// ledger of dictionaries of events), kept only here: the reference the streaming checkers must
// match verdict for verdict and witness for witness (`StreamingCheckerEquivalenceTests`).

/// For every message, exactly one processor's claim step succeeded and stayed (its transaction,
/// if any, was not rolled back). Two or more is Jepsen's *duplicated*; none means never claimed,
/// unless a copy of it was dead-lettered.
struct ReferenceExactlyOneClaim {
    let invariant = InvariantSpec.exactlyOneClaim.name


    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        let events = input.events
        var rolledBack = Set<Delivery>()
        for event in events where event.subject == HistoryEvent.Subject.rollback && event.kind == .ok {
            rolledBack.insert(event.delivery)
        }
        var claims: [ReferenceLedger.MessageKey: [HistoryEvent]] = [:]
        for event in events where event.kind == .ok && event.role == .claim && event.isAboutDelivery {
            guard !rolledBack.contains(event.delivery) else { continue }
            claims[ReferenceLedger.MessageKey(message: event.message, subscriber: event.subscriber), default: []].append(event)
        }
        let deadLettered = Set(events.filter { $0.kind == .ok && $0.subject == HistoryEvent.Subject.deadLetter }
            .map { ReferenceLedger.MessageKey(message: $0.message, subscriber: $0.subscriber) })
        var witnesses: [Witness] = []
        for key in input.ledger.published.sorted() {
            let won = claims[key] ?? []
            guard won.count != 1, !(won.isEmpty && deadLettered.contains(key)) else { continue }
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

/// Every queue entry that used up its receives without an ack is in the DLQ exactly once; and
/// the negative space: nothing is dead-lettered before its receives ran out, or after an ack.
struct ReferenceEveryFailureInDLQ {
    let invariant = InvariantSpec.everyFailureInDLQ.name


    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        let limit = input.policy.maxReceiveCount
        var witnesses: [Witness] = []
        for (key, entry) in input.ledger.entries.sorted(by: { $0.key < $1.key }) {
            let name = "\(input.describe(.init(message: key.message, subscriber: key.subscriber))) copy \(key.copy)"
            let receives = entry.receives.count
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

/// No write lands from a processor whose lease had run out and been taken by another receive of
/// the same entry: the zombie's write. "Taken" means the later receive's claim succeeded; a write
/// counts only if it started after that claim finished, so operations that overlapped in time
/// (and might have been ordered either way by the store) are never blamed.
struct ReferenceFencing {
    let invariant = InvariantSpec.fencing.name


    private struct StepKey: Hashable {
        var delivery: Delivery
        var subject: String
    }

    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        var invokedAt: [StepKey: UInt64] = [:]
        var claims: [ReferenceLedger.EntryKey: [HistoryEvent]] = [:]
        var writes: [(invokedNanos: UInt64, event: HistoryEvent)] = []
        for event in input.events where event.role != nil && event.isAboutDelivery {
            let key = StepKey(delivery: event.delivery, subject: event.subject)
            if event.kind == .invoke {
                invokedAt[key] = event.timeNanos
                continue
            }
            guard event.kind == .ok else { continue }
            if event.role == .claim {
                claims[ReferenceLedger.EntryKey(message: event.message, copy: event.copy, subscriber: event.subscriber), default: []].append(event)
            }
            writes.append((invokedAt[key] ?? event.timeNanos, event))
        }
        var witnesses: [Witness] = []
        for (invokedNanos, write) in writes {
            let entry = ReferenceLedger.EntryKey(message: write.message, copy: write.copy, subscriber: write.subscriber)
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

/// The store holds at most one submission per message: counted in the final table, with the
/// workers whose submit step succeeded for that message taken from the history.
struct ReferenceNoDuplicateSubmissions {
    let invariant = "no-duplicate-submissions"
    let table: String
    let key: String

    init(table: String, key: String) {
        self.table = table
        self.key = key
    }

    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        // Identifiers were validated as plain names by the scenario loader: safe to splice.
        let query = try! SQLTemplate("SELECT \(key), COUNT(*) FROM \(table) GROUP BY \(key) HAVING COUNT(*) > 1 ORDER BY \(key)")
        let rows = try input.store.execute(query, .forChecks).rows
        var submitters: [Int: [HistoryEvent]] = [:]
        var lostAcks: [Int: [HistoryEvent]] = [:]
        for event in input.events where event.isAboutDelivery {
            if event.kind == .ok && event.role == .submit { submitters[event.message, default: []].append(event) }
            if case .fault(.lostCommitAck, _) = event.fact { lostAcks[event.message, default: []].append(event) }
        }
        let witnesses = rows.map { row in
            let keyText = row.first?.description ?? "NULL"
            let count = row.count > 1 ? row[1].description : "?"
            let submits = Names.messageIndex(keyText).flatMap { submitters[$0] } ?? []
            let lost = Names.messageIndex(keyText).flatMap { lostAcks[$0] } ?? []
            let workers = submits.map { Names.worker($0.worker) }
            let by = workers.isEmpty ? "" : " (by \(WorkerList.words(workers)))"
            var labels: [String] = []
            for event in lost where !labels.contains("\(Names.worker(event.worker)) \(event.delivery.label)") {
                labels.append("\(Names.worker(event.worker)) \(event.delivery.label)")
            }
            let after = labels.isEmpty ? "" : ", after a lost commit acknowledgement (\(labels.joined(separator: ", ")))"
            return Witness(message: keyText, workers: workers, events: (submits + lost).map(\.index).sorted(),
                           text: "message \(keyText) submitted \(count) times\(by)\(after)")
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}

/// Every published message ends processed or dead-lettered — Jepsen's queue checker, except
/// that a message processed twice (*duplicated*) fails the run here too.
struct ReferenceNoLoss {
    let invariant = InvariantSpec.noLoss.name


    func check(_ input: ReferenceInput) throws(StoreError) -> Verdict {
        let ledger = input.ledger
        var witnesses: [Witness] = []
        for key in ledger.published.sorted() {
            let processed = ledger.processed[key] ?? []
            if ledger.isLost(key) {
                let receives = ledger.entries.filter { $0.key.message == key.message && $0.key.subscriber == key.subscriber }
                    .reduce(0) { $0 + $1.value.receives.count }
                witnesses.append(Witness(message: Names.message(key.message), workers: [], events: [],
                                         text: "lost: message \(input.describe(key)) was neither processed, acknowledged nor dead-lettered (\(receives) receives)"))
            } else if processed.count > 1 {
                let workers = processed.map { Names.worker($0.worker) }
                witnesses.append(Witness(message: Names.message(key.message), workers: workers, events: processed.map(\.index),
                                         text: "duplicated: message \(input.describe(key)) processed \(processed.count) times, by \(WorkerList.words(workers))"))
            }
        }
        for (key, events) in ledger.processed.sorted(by: { $0.key < $1.key }) where !ledger.published.contains(key) {
            witnesses.append(Witness(message: Names.message(key.message), workers: events.map { Names.worker($0.worker) },
                                     events: events.map(\.index), text: "unexpected: message \(input.describe(key)) was processed but never published"))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}


/// What the reference checkers read: the history as one array, and the ledger built from it.
struct ReferenceInput {
    var events: [HistoryEvent]
    var messages: Int
    var policy: DeliveryPolicy
    var store: any StoreConnection
    let ledger: ReferenceLedger

    init(events: [HistoryEvent], messages: Int, policy: DeliveryPolicy, store: any StoreConnection) {
        self.events = events
        self.messages = messages
        self.policy = policy
        self.store = store
        self.ledger = ReferenceLedger(events, messages: messages, subscribers: policy.subscribers)
    }

    func describe(_ key: MessageKey) -> String {
        policy.subscribers > 1 ? "\(Names.message(key.message)) (subscriber \(Names.subscriber(key.subscriber)))" : Names.message(key.message)
    }
}

/// Jepsen's queue counts as the ledger gave them.
func referenceCounts(_ ledger: ReferenceLedger) -> QueueCounts {
    var counts = QueueCounts(published: ledger.published.count)
    counts.processed = ledger.processed.keys.filter { ledger.published.contains($0) }.count
    counts.deadLettered = ledger.deadLettered.count
    counts.lost = ledger.published.filter { ledger.isLost($0) }.count
    counts.duplicated = ledger.processed.values.filter { $0.count > 1 }.count
    counts.unexpected = ledger.processed.keys.filter { !ledger.published.contains($0) }.count
    counts.recovered = ledger.recovered.count
    counts.skippedWithoutProcessedCopy = ledger.skips.keys.filter { ledger.isSkippedWithoutProcessedCopy($0) }.count
    return counts
}
