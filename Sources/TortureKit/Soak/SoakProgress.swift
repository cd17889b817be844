import Synchronization

/// Counters a progress line reads while a soak goes; written by the soak loop between runs.
public final class SoakProgress: Sendable {
    private let runs = Atomic<Int>(0)
    private let violations = Atomic<Int>(0)
    private let seeds = Atomic<Int>(0)
    private let inHand = Mutex<String?>(nil)

    public init() {}

    public var runsDone: Int { runs.load(ordering: .relaxed) }
    public var violationsFound: Int { violations.load(ordering: .relaxed) }
    /// Seed positions started: what the summary calls seeds covered.
    public var seedsStarted: Int { seeds.load(ordering: .relaxed) }
    /// The run going now, as `race-claim seed 0x…`.
    public var runInHand: String? { inHand.withLock { $0 } }

    func runStarting(scenario: String, seed: Seed) {
        inHand.withLock { $0 = "\(scenario) seed \(seed)" }
    }

    func runFinished(violated: Bool) {
        runs.add(1, ordering: .relaxed)
        if violated { violations.add(1, ordering: .relaxed) }
    }

    func seedStarted() {
        seeds.add(1, ordering: .relaxed)
    }
}
