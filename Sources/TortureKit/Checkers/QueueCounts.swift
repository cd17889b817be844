/// Jepsen's queue counts, reported for every run whatever its invariants.
public struct QueueCounts: Sendable, Codable, Equatable {
    public var published: Int
    public var processed = 0
    public var deadLettered = 0
    public var lost = 0
    public var duplicated = 0
    public var unexpected = 0
    public var recovered = 0
    /// Acknowledged as a duplicate while no delivery processed it (`every-skip-backed`).
    public var skippedWithoutProcessedCopy = 0

    init(published: Int) {
        self.published = published
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

    /// What any key, published or not, adds.
    mutating func add(_ state: QueueTally.MessageState) {
        if state.has(QueueTally.MessageState.deadLettered) { deadLettered += 1 }
        if state.processed > 1 { duplicated += 1 }
        if state.has(QueueTally.MessageState.recovered) { recovered += 1 }
        if QueueTally.isSkippedWithoutProcessedCopy(state) { skippedWithoutProcessedCopy += 1 }
    }
}
