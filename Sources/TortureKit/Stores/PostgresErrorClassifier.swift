/// Maps a PostgreSQL failure to the store's error kinds by SQLSTATE. The code stays at the front
/// of the message (`[40P01] deadlock detected`) so deadlocks can be told from serialization
/// failures when they are counted.
enum PostgresErrorClassifier {
    static let serializationFailure = "40001"
    static let deadlockDetected = "40P01"
    static let uniqueViolation = "23505"
    static let duplicateSchema = "42P06"
    static let queryCanceled = "57014"
    static let duplicateObject = "42710"

    /// - Parameters:
    ///   - sqlState: the five-character code, nil when libpq failed before the server answered.
    ///   - connectionLost: libpq reports the connection as bad (server gone, socket closed).
    static func classify(sqlState: String?, message: String, connectionLost: Bool) -> StoreError {
        let text = sqlState.map { "[\($0)] \(message)" } ?? message
        if connectionLost { return .unavailable(text) }
        guard let sqlState else { return .other(text) }
        switch sqlState {
        case serializationFailure, deadlockDetected:
            return .serializationFailure(text)
        case uniqueViolation:
            return .uniqueViolation(text)
        // lock_not_available (NOWAIT, lock_timeout) and query_canceled (statement_timeout).
        case "55P03", "57014":
            return .busy(text)
        // admin_shutdown, crash_shutdown, cannot_connect_now.
        case "57P01", "57P02", "57P03":
            return .unavailable(text)
        default:
            break
        }
        switch sqlState.prefix(2) {
        // Class 08 connection exception, 53 insufficient resources (disk full, out of memory, too
        // many connections), 58 system error: the store failed, not the protocol.
        case "08", "53", "58":
            return .unavailable(text)
        default:
            return .other(text)
        }
    }
}
