/// A built-in invariant a scenario names; `CheckerCatalogue` makes its checker.
public enum InvariantSpec: Sendable, Equatable {
    case exactlyOneClaim
    case everyFailureInDLQ
    case noLoss
    case everySkipBacked
    case fencing
    case noDuplicateSubmissions(table: String, key: String)
    case sql(name: String, query: [Dialect: SQLTemplate])
    /// Two deliveries that read the same value of the same key while both were in flight, and
    /// both landed: a read-modify-write lost one of them. `wrote` (optional) is what the write
    /// returned, for the witness; `key` (optional) tells counters apart.
    case noLostUpdate(read: StepColumn, wrote: StepColumn?, key: StepColumn?)

    /// The invariants named by a bare word in a scenario file.
    public static let plain: [InvariantSpec] = [.exactlyOneClaim, .everyFailureInDLQ, .noLoss, .everySkipBacked, .fencing]

    /// The steps whose values the invariant reads from the history.
    var stepColumns: [StepColumn] {
        guard case .noLostUpdate(let read, let wrote, let key) = self else { return [] }
        return [read] + [wrote, key].compactMap { $0 }
    }

    public var name: String {
        switch self {
        case .exactlyOneClaim: "exactly-one-claim"
        case .everyFailureInDLQ: "every-failure-in-dlq"
        case .noLoss: "no-loss"
        case .everySkipBacked: "every-skip-backed"
        case .fencing: "fencing"
        case .noDuplicateSubmissions: "no-duplicate-submissions"
        case .sql(let name, _): "sql:\(name)"
        case .noLostUpdate: "no-lost-update"
        }
    }
}
