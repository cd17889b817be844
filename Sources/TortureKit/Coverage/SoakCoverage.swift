/// One scenario's coverage summed over a soak's runs: each counter's total and the runs that moved
/// it, and for each `sometimes:` condition the runs that reached it. Bounded by what the scenario
/// declares, however many runs are added.
public struct SoakCoverage: Sendable, Codable, Equatable {
    /// Runs whose coverage was counted (a run that ended before processing has none).
    public var runs = 0
    public var counters: [String: CounterTotal] = [:]
    /// In the scenario's order; a condition no run reached has `reachedRuns` 0.
    public var sometimes: [SometimesTotal]

    public struct CounterTotal: Sendable, Codable, Equatable {
        public var total = 0
        /// Runs in which it moved at least once.
        public var runs = 0
    }

    public struct SometimesTotal: Sendable, Codable, Equatable {
        public var name: String
        public var condition: String
        public var reachedRuns = 0
        /// Runs in which it could be told; an `sql` condition is not told in a run that ended before its checks.
        public var evaluatedRuns = 0
    }

    /// Starts from the scenario's declared conditions, so one the soak never got to run is still
    /// listed as never reached.
    public init(declared: [SometimesCondition]) {
        sometimes = declared.map { SometimesTotal(name: $0.name, condition: $0.words) }
    }

    public mutating func add(_ coverage: RunCoverage) {
        runs += 1
        for (name, count) in coverage.counters {
            counters[name, default: CounterTotal()].total += count
            if count > 0 { counters[name]!.runs += 1 }
        }
        for outcome in coverage.sometimes {
            let index = sometimes.firstIndex { $0.name == outcome.name } ?? {
                sometimes.append(SometimesTotal(name: outcome.name, condition: outcome.condition))
                return sometimes.count - 1
            }()
            guard let reached = outcome.reached else { continue }
            sometimes[index].evaluatedRuns += 1
            if reached { sometimes[index].reachedRuns += 1 }
        }
    }

    /// Conditions no run reached.
    public var neverReached: [SometimesTotal] { sometimes.filter { $0.reachedRuns == 0 } }

    /// Counters with at least one count.
    public var reachedCount: Int { counters.values.filter { $0.total > 0 }.count }

    /// Counters no run moved, in name order.
    public var unreachedCounters: [String] { counters.filter { $0.value.total == 0 }.map(\.key).sorted() }
}
