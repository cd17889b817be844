/// The faults a run fired, bounded: a count per kind@point and the first `keptLimit` in time
/// order. A processor keeps one; the run merges them (the first of each processor include the
/// first of all).
struct FiredFaultTally: Sendable {
    /// Listed in `report.json`; the rest are in the counts and, on a violation, in history.jsonl.
    static let keptLimit = 100

    private(set) var total = 0
    /// "delay@after-read" → count.
    private(set) var byKindAndPoint: [String: Int] = [:]
    private(set) var first: [(timeNanos: UInt64, fault: FiredFault)] = []

    mutating func add(_ fault: FiredFault, atNanos timeNanos: UInt64) {
        total += 1
        byKindAndPoint[Self.name(fault), default: 0] += 1
        if first.count < Self.keptLimit { first.append((timeNanos, fault)) }
        assert(first.count == min(total, Self.keptLimit), "a tally keeps the first faults up to its limit, and counts all")
    }

    mutating func merge(_ other: FiredFaultTally) {
        total += other.total
        byKindAndPoint.merge(other.byKindAndPoint, uniquingKeysWith: +)
        // Stable on time, then on the order processors were merged in (worker order).
        first = Array((first + other.first).enumerated()
            .sorted { ($0.element.timeNanos, $0.offset) < ($1.element.timeNanos, $1.offset) }
            .prefix(Self.keptLimit).map(\.element))
        assert(first.count == min(total, Self.keptLimit), "merged tallies keep the first faults of both up to the limit")
        assert(byKindAndPoint.values.reduce(0, +) == total, "the counts per kind and point add up to the faults fired")
    }

    var firstFaults: [FiredFault] { first.map(\.fault) }

    static func name(_ fault: FiredFault) -> String {
        "\(fault.fault.kind.rawValue)@\(fault.point.rawValue)"
    }
}
