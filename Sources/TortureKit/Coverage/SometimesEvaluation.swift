/// Whether a run reached each `sometimes:` condition: a history predicate from the run's coverage
/// counters, an `sql` one by its query on the final store.
enum SometimesEvaluation {
    /// From the history alone, before (or without) the checks: `sql` conditions are not known yet.
    static func outcomes(_ conditions: [SometimesCondition], counters: [String: Int]) -> [SometimesOutcome] {
        conditions.map { condition in
            guard case .history(let predicate) = condition.check else { return outcome(condition, reached: nil) }
            return outcome(condition, reached: reached(predicate, counters: counters))
        }
    }

    /// `store`: a connection to the final store inside the checks' read-only transaction.
    static func outcomes(
        _ conditions: [SometimesCondition], counters: [String: Int], store: any StoreConnection, dialect: Dialect
    ) throws(StoreError) -> [SometimesOutcome] {
        var outcomes: [SometimesOutcome] = []
        for condition in conditions {
            switch condition.check {
            case .history(let predicate):
                outcomes.append(outcome(condition, reached: reached(predicate, counters: counters)))
            case .sql(let queries):
                // The loader gives a `sometimes` query for every dialect of the schema.
                let rows = try store.execute(queries[dialect]!, .forChecks).rows
                outcomes.append(outcome(condition, reached: !rows.isEmpty))
            }
        }
        return outcomes
    }

    static func reached(_ predicate: HistoryPredicate, counters: [String: Int]) -> Bool {
        switch predicate {
        case .redelivered: counters[CoverageCounter.redelivery, default: 0] > 0
        case .leaseExpired: counters[CoverageCounter.leaseExpired, default: 0] > 0
        case .leaseExpiredThenTakenOver: counters[CoverageCounter.takeover, default: 0] > 0
        case .ackRefused: counters[CoverageCounter.ackRefused, default: 0] > 0
        case .deadLettered: counters[CoverageCounter.deadLetter, default: 0] > 0
        case .faultFired: counters.contains { $0.key.hasPrefix(CoverageCounter.faultPrefix) && $0.value > 0 }
        }
    }

    private static func outcome(_ condition: SometimesCondition, reached: Bool?) -> SometimesOutcome {
        SometimesOutcome(name: condition.name, condition: condition.words, reached: reached)
    }
}
