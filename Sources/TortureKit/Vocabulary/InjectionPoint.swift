/// A named place between protocol steps where a fault may fire.
public enum InjectionPoint: String, Sendable, Codable, CaseIterable, Comparable {
    case beforeClaim = "before-claim"
    case afterRead = "after-read"
    case afterClaim = "after-claim"
    case beforeCommit = "before-commit"
    case afterCommit = "after-commit"
    case beforeAck = "before-ack"

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
        }
    }

    public static func < (lhs: InjectionPoint, rhs: InjectionPoint) -> Bool { lhs.code < rhs.code }
}
