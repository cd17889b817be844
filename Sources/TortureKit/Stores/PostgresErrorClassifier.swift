/// Maps a PostgreSQL failure to the store's error kinds by SQLSTATE. The code stays at the front
/// of the message (`[40P01] deadlock detected`) so deadlocks can be told from serialization
/// failures when they are counted.
enum PostgresErrorClassifier {
    static let serializationFailure: SQLState = "40001"
    static let deadlockDetected: SQLState = "40P01"
    static let uniqueViolation: SQLState = "23505"
    static let duplicateSchema: SQLState = "42P06"
    static let queryCanceled: SQLState = "57014"
    static let duplicateObject: SQLState = "42710"

    /// - Parameters:
    ///   - sqlState: the five-character code, nil when libpq failed before the server answered.
    ///   - connectionLost: libpq reports the connection as bad (server gone, socket closed).
    static func classify(sqlState code: String?, message: String, connectionLost: Bool) -> StoreError {
        let text = code.map { "[\($0)] \(message)" } ?? message
        let sqlState = code.flatMap { $0.utf8.count == 5 ? SQLState(rawValue: $0) : nil }
        if connectionLost { return .unavailable(text, sqlState: sqlState) }
        guard let sqlState else { return .other(text) }
        return StoreError(kind(of: sqlState), text, sqlState: sqlState)
    }

    static func kind(of sqlState: SQLState) -> StoreErrorKind {
        switch sqlState {
        case serializationFailure, deadlockDetected:
            return .serializationFailure
        case uniqueViolation:
            return .uniqueViolation
        // lock_not_available (NOWAIT, lock_timeout) and query_canceled (statement_timeout).
        case "55P03", "57014":
            return .busy
        // admin_shutdown, crash_shutdown, cannot_connect_now.
        case "57P01", "57P02", "57P03":
            return .unavailable
        default:
            break
        }
        switch sqlState.rawValue.prefix(2) {
        // Class 08 connection exception, 53 insufficient resources (disk full, out of memory, too
        // many connections), 58 system error: the store failed, not the protocol.
        case "08", "53", "58":
            return .unavailable
        default:
            return .other
        }
    }
}
