/// One value a store hands back or is handed: what rows, parameters and step values are made of.
public enum SQLValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// PostgreSQL's boolean; SQLite has none and answers 0 or 1.
    case boolean(Bool)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        case .boolean(let value): value ? "true" : "false"
        }
    }
}
