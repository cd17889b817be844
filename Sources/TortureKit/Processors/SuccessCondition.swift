/// When a step counts as having held, judged from what its statement returned.
public enum SuccessCondition: String, Sendable, Codable, CaseIterable {
    case rowsAffected = "rows-affected"
    case rowReturned = "row-returned"
    case noRow = "no-row"

    public func holds(for result: StatementResult) -> Bool {
        switch self {
        case .rowsAffected: result.rowsAffected > 0
        case .rowReturned: !result.rows.isEmpty
        case .noRow: result.rows.isEmpty
        }
    }
}
