/// A built-in invariant a scenario names; `CheckerCatalogue` makes its checker.
public enum InvariantSpec: Sendable, Equatable {
    case exactlyOneClaim
    case everyFailureInDLQ
    case noLoss
    case everySkipBacked
    case fencing
    case noDuplicateSubmissions(table: String, key: String)
    case sql(name: String, query: [Dialect: SQLTemplate])

    /// The invariants named by a bare word in a scenario file.
    public static let plain: [InvariantSpec] = [.exactlyOneClaim, .everyFailureInDLQ, .noLoss, .everySkipBacked, .fencing]

    public var name: String {
        switch self {
        case .exactlyOneClaim: "exactly-one-claim"
        case .everyFailureInDLQ: "every-failure-in-dlq"
        case .noLoss: "no-loss"
        case .everySkipBacked: "every-skip-backed"
        case .fencing: "fencing"
        case .noDuplicateSubmissions: "no-duplicate-submissions"
        case .sql(let name, _): "sql:\(name)"
        }
    }
}
