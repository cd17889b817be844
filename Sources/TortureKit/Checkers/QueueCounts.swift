/// Jepsen's queue counts, reported for every run whatever its invariants.
public struct QueueCounts: Sendable, Codable, Equatable {
    public var published: Int
    public var processed = 0
    public var deadLettered = 0
    public var lost = 0
    public var duplicated = 0
    public var unexpected = 0
    public var recovered = 0

    init(published: Int) {
        self.published = published
    }

    /// What any key, published or not, adds.
    mutating func add(_ state: QueueTally.MessageState) {
        if state.has(QueueTally.MessageState.deadLettered) { deadLettered += 1 }
        if state.processed > 1 { duplicated += 1 }
        if state.has(QueueTally.MessageState.recovered) { recovered += 1 }
    }
}
