/// The checker for each invariant a scenario names.
public enum CheckerCatalogue {
    public static func checkers(for invariants: [InvariantSpec], dialect: Dialect) -> [any Checker] {
        invariants.map { checker(for: $0, dialect: dialect) }
    }

    public static func checker(for invariant: InvariantSpec, dialect: Dialect) -> any Checker {
        switch invariant {
        case .exactlyOneClaim:
            ExactlyOneClaimChecker()
        case .everyFailureInDLQ:
            EveryFailureInDLQChecker()
        case .noLoss:
            NoLossChecker()
        case .everySkipBacked:
            EverySkipBackedChecker()
        case .fencing:
            FencingChecker()
        case .noDuplicateSubmissions(let table, let key):
            NoDuplicateSubmissionsChecker(table: table, key: key)
        case .sql(let name, let query):
            // The loader guarantees every invariant has SQL for each dialect of the schema.
            SQLChecker(name: name, query: query[dialect]!)
        case .noLostUpdate(let read, let wrote, let key):
            NoLostUpdateChecker(read: read, wrote: wrote, key: key)
        }
    }

    /// The SQL a checker runs on the final store, for the invariants that read it.
    public static func storeQuery(of invariant: InvariantSpec, dialect: Dialect) -> SQLTemplate? {
        switch invariant {
        case .noDuplicateSubmissions(let table, let key): NoDuplicateSubmissionsChecker(table: table, key: key).query
        case .sql(_, let query): query[dialect]
        default: nil
        }
    }
}
