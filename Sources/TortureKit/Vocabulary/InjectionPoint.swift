/// A named place between protocol steps where a fault may fire.
public enum InjectionPoint: String, Sendable, Codable, CaseIterable, Comparable {
    case beforeClaim = "before-claim"
    case afterRead = "after-read"
    case afterClaim = "after-claim"
    case beforeCommit = "before-commit"
    case afterCommit = "after-commit"
    case beforeAck = "before-ack"
    /// On the wire: before a statement of a handler's connection is forwarded to the server.
    case beforeStatement = "before-statement"
    /// On the wire: the server has answered a statement; the answer is held.
    case afterStatement = "after-statement"

    /// Fixed per point and part of every decision key: never derived from `hashValue`, which
    /// Swift reseeds per process.
    public var code: UInt64 {
        switch self {
        case .beforeClaim: 1
        case .afterRead: 2
        case .afterClaim: 3
        case .beforeCommit: 4
        case .afterCommit: 5
        case .beforeAck: 6
        case .beforeStatement: 7
        case .afterStatement: 8
        }
    }

    /// Where the wire proxy decides: around every statement, and around COMMIT.
    public static let wire: [InjectionPoint] = [.beforeStatement, .afterStatement, .beforeCommit, .afterCommit]

    /// Points only the wire proxy reaches.
    public var isWireOnly: Bool { self == .beforeStatement || self == .afterStatement }

    public static func < (lhs: InjectionPoint, rhs: InjectionPoint) -> Bool { lhs.code < rhs.code }
}
