import Synchronization

/// Counters a progress line reads while a soak goes; written by the soak loop between runs.
public final class SoakProgress: Sendable {
    private let runs = Atomic<Int>(0)
    private let violations = Atomic<Int>(0)
    private let seeds = Atomic<Int>(0)

    public init() {}

    public var runsDone: Int { runs.load(ordering: .relaxed) }
    public var violationsFound: Int { violations.load(ordering: .relaxed) }
    /// Seed positions of which every scenario has run.
    public var seedsDone: Int { seeds.load(ordering: .relaxed) }

    func runFinished(violated: Bool) {
        runs.add(1, ordering: .relaxed)
        if violated { violations.add(1, ordering: .relaxed) }
    }

    func seedFinished() {
        seeds.add(1, ordering: .relaxed)
    }
}
