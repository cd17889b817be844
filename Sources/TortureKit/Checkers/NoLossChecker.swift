/// Every published message ends processed or dead-lettered — Jepsen's queue checker, except
/// that a message processed twice (*duplicated*) fails the run here too.
public struct NoLossChecker: Checker {
    public let invariant = InvariantSpec.noLoss.name

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
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

/// Jepsen's queue counts, reported for every run whatever its invariants.
public struct QueueCounts: Sendable, Codable, Equatable {
    public var published: Int
    public var processed: Int
    public var deadLettered: Int
    public var lost: Int
    public var duplicated: Int
    public var unexpected: Int
    public var recovered: Int
    /// Acknowledged as a duplicate while no delivery processed it (`every-skip-backed`).
    public var skippedWithoutProcessedCopy: Int

    public init(_ ledger: QueueLedger) {
        published = ledger.published.count
        processed = ledger.processed.keys.filter { ledger.published.contains($0) }.count
        deadLettered = ledger.deadLettered.count
        lost = ledger.published.filter { ledger.isLost($0) }.count
        duplicated = ledger.processed.values.filter { $0.count > 1 }.count
        unexpected = ledger.processed.keys.filter { !ledger.published.contains($0) }.count
        recovered = ledger.recovered.count
        skippedWithoutProcessedCopy = ledger.skips.keys.filter { ledger.isSkippedWithoutProcessedCopy($0) }.count
    }

    /// Reports written before the skip count existed still replay: there it reads 0.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        published = try values.decode(Int.self, forKey: .published)
        processed = try values.decode(Int.self, forKey: .processed)
        deadLettered = try values.decode(Int.self, forKey: .deadLettered)
        lost = try values.decode(Int.self, forKey: .lost)
        duplicated = try values.decode(Int.self, forKey: .duplicated)
        unexpected = try values.decode(Int.self, forKey: .unexpected)
        recovered = try values.decode(Int.self, forKey: .recovered)
        skippedWithoutProcessedCopy = try values.decodeIfPresent(Int.self, forKey: .skippedWithoutProcessedCopy) ?? 0
    }
}
