/// The kinds of fault a scenario can declare per injection point.
public enum FaultKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// The broker publishes one more copy of the message (SNS/SQS at-least-once).
    case duplicate
    /// The processor pauses, then carries on.
    case delay
    /// The processor pauses longer than its lease, then carries on as if nothing happened: the zombie.
    case stall
    /// The processor dies: its connection (and open transaction) goes, the delivery is never
    /// acknowledged, and it comes back after a restart with a new connection.
    case crash
    /// The step exceeds its deadline: the processor hangs for the given time, then abandons the delivery.
    case timeout
    /// The step fails: the delivery is rolled back and nacked.
    case error
    /// The store fails the step: busy, or the connection resets.
    case storeError = "store-error"
    /// On the wire (a handler's connection, through torture's proxy): both sides of the
    /// connection close at once; the server rolls back the open transaction.
    case reset
    /// On the wire, at `after-commit`: the COMMIT landed, its answer is dropped and the
    /// connection closed. The client cannot tell whether its work committed (Jepsen's `info`).
    case lostCommitAck = "lost-commit-ack"
    /// On the wire: the statement is answered with an ErrorResponse of the rule's SQLSTATE
    /// instead of being forwarded.
    case sqlError = "sql-error"

    /// Fixed per kind and part of every decision key (never `hashValue`, which Swift reseeds per process).
    var salt: UInt64 {
        switch self {
        case .duplicate: 0xFA_0001
        case .delay: 0xFA_0002
        case .stall: 0xFA_0003
        case .crash: 0xFA_0004
        case .timeout: 0xFA_0005
        case .error: 0xFA_0006
        case .storeError: 0xFA_0007
        case .reset: 0xFA_0008
        case .lostCommitAck: 0xFA_0009
        case .sqlError: 0xFA_000A
        }
    }

    /// Kinds carried out by the wire proxy on a handler process's own connection.
    public var isWire: Bool {
        switch self {
        case .reset, .lostCommitAck, .sqlError: true
        case .duplicate, .delay, .stall, .crash, .timeout, .error, .storeError: false
        }
    }

    /// The points a rule of this kind may name; nil: any point but the wire's own.
    var allowedPoints: [InjectionPoint]? {
        switch self {
        case .reset: InjectionPoint.wire
        case .lostCommitAck: [.afterCommit]
        case .sqlError: [.beforeStatement, .beforeCommit]
        case .delay, .stall: nil
        case .duplicate, .crash, .timeout, .error, .storeError: InjectionPoint.allCases.filter { !$0.isWireOnly }
        }
    }

    /// Kinds after which the delivery does not go on; at most one of them fires at a point.
    var endsDelivery: Bool {
        switch self {
        case .duplicate, .delay, .stall: false
        case .crash, .timeout, .error, .storeError, .reset, .lostCommitAck, .sqlError: true
        }
    }

    /// Whether a rule of this kind needs a duration range.
    var takesDuration: Bool {
        switch self {
        case .delay, .stall, .crash, .timeout: true
        case .duplicate, .error, .storeError, .reset, .lostCommitAck, .sqlError: false
        }
    }

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool { lhs.salt < rhs.salt }
}

/// What an injected store error looks like to the processor.
public enum InjectedStoreError: String, Sendable, Codable, CaseIterable {
    case busy
    case connectionReset = "connection-reset"
}

/// What the fault plan decided for one (delivery, point, kind).
public enum Fault: Sendable, Equatable, Hashable, Codable {
    case duplicate
    case delay(millis: Int)
    case stall(millis: Int)
    /// `restartMillis`: how long the processor stays down.
    case crash(restartMillis: Int)
    /// `millis`: how long the step hangs before the processor gives up.
    case timeout(millis: Int)
    case error
    case storeError(InjectedStoreError)
    case reset
    case lostCommitAck
    /// `sqlState`: five characters, e.g. 40001 (serialization failure).
    case sqlError(sqlState: String)

    public var kind: FaultKind {
        switch self {
        case .duplicate: .duplicate
        case .delay: .delay
        case .stall: .stall
        case .crash: .crash
        case .timeout: .timeout
        case .error: .error
        case .storeError: .storeError
        case .reset: .reset
        case .lostCommitAck: .lostCommitAck
        case .sqlError: .sqlError
        }
    }

    public var summary: String {
        switch self {
        case .duplicate: "duplicate"
        case .delay(let millis): "delay \(millis) ms"
        case .stall(let millis): "stall \(millis) ms"
        case .crash(let millis): "crash, restart after \(millis) ms"
        case .timeout(let millis): "timeout after \(millis) ms"
        case .error: "error"
        case .storeError(let kind): "store-error \(kind.rawValue)"
        case .reset: "reset"
        case .lostCommitAck: "lost-commit-ack"
        case .sqlError(let sqlState): "sql-error \(sqlState)"
        }
    }
}

/// A fault that fired during a run, with where it fired: the report lists these.
public struct FiredFault: Sendable, Equatable, Hashable, Codable {
    public var delivery: Delivery
    public var point: InjectionPoint
    public var fault: Fault
    public var worker: Int

    public init(delivery: Delivery, point: InjectionPoint, fault: Fault, worker: Int) {
        self.delivery = delivery
        self.point = point
        self.fault = fault
        self.worker = worker
    }
}
