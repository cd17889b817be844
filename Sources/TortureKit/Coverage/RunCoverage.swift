/// What one run explored, in its report: counters by name (every one the scenario can move, 0 when
/// it never did) and whether each of the scenario's `sometimes:` conditions was reached. An
/// unreached condition is a fact about the run, not a violation: the run's verdicts stand.
public struct RunCoverage: Sendable, Codable, Equatable {
    /// `fault:crash@before-ack`, `step:claim held`, `action:skip`, `lease-expired` … → count.
    public var counters: [String: Int]
    public var sometimes: [SometimesOutcome]

    public init(counters: [String: Int], sometimes: [SometimesOutcome] = []) {
        self.counters = counters
        self.sometimes = sometimes
    }

    /// Counters that moved at least once.
    public var reachedCount: Int { counters.values.filter { $0 > 0 }.count }

    /// Counters that stayed at 0, in name order.
    public var unreachedCounters: [String] { counters.filter { $0.value == 0 }.map(\.key).sorted() }
}

/// One `sometimes:` condition in one run.
public struct SometimesOutcome: Sendable, Codable, Equatable {
    public var name: String
    /// `sql` or `history: dead-lettered`, as `SometimesCondition.words` says it.
    public var condition: String
    /// Nil when it could not be told: an `sql` condition of a run that ended before its checks.
    public var reached: Bool?

    public init(name: String, condition: String, reached: Bool?) {
        self.name = name
        self.condition = condition
        self.reached = reached
    }
}
