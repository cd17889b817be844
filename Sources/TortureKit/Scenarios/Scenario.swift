/// A scenario file, validated: what to run, which faults to inject, what must hold.
public struct Scenario: Sendable {
    public var name: String
    public var summary: String
    /// Which seed system (shared/seeds) the scenario comes from, e.g. "003".
    public var seedSystem: String?
    public var workload: Workload
    public var faults: FaultProfile
    public var delivery: DeliveryPolicy
    public var processing: ProcessingProtocol
    public var invariants: [InvariantSpec]
    public var source: ScenarioSource

    /// The dialects every piece of SQL in the scenario is written for.
    public var dialects: Set<Dialect> { processing.dialects }
}

public struct ScenarioSource: Sendable, Codable, Equatable {
    public var path: String
    public var contentHash: UInt64
}

public struct Workload: Sendable, Codable, Equatable {
    public var messages: Int
    /// How many times the broker hands each message over (at-least-once).
    public var deliveriesPerMessage: Int
    /// How many of those deliveries arrive at the same moment; the rest arrive late.
    public var concurrentDeliveries: Int
    /// At most this many processors run, whatever `--workers` asks (Lambda's reserved concurrency).
    public var concurrencyCap: Int?
    /// The end-to-end p99 the system promises; the report says whether the run kept it.
    public var latencyBudgetMillis: Int?

    public init(messages: Int, deliveriesPerMessage: Int, concurrentDeliveries: Int, concurrencyCap: Int? = nil, latencyBudgetMillis: Int? = nil) {
        self.messages = messages
        self.deliveriesPerMessage = deliveriesPerMessage
        self.concurrentDeliveries = concurrentDeliveries
        self.concurrencyCap = concurrencyCap
        self.latencyBudgetMillis = latencyBudgetMillis
    }
}

/// What one processor does with one delivery.
public struct ProcessingProtocol: Sendable {
    public var schema: [Dialect: String]
    /// Run once per message before processors start: how a message becomes visible to the store.
    public var publish: [Dialect: SQLTemplate]
    /// Wrap the steps in one transaction at this level; nil runs each step in autocommit.
    public var transaction: IsolationLevel?
    public var steps: [ProtocolStep]
    /// Run by the processor that finds a message past its receives, when the DLQ is a table in
    /// the store (seed 004's `webhook_dlq`); without it the DLQ is the broker's.
    public var deadLetter: [Dialect: SQLTemplate]
    /// What the processor tells the broker after a failure.
    public var onError: ErrorHandling

    public var dialects: Set<Dialect> { Set(schema.keys) }
}

public struct ProtocolStep: Sendable {
    public var name: String
    public var role: StepRole
    public var sql: [Dialect: SQLTemplate]
    public var success: SuccessCondition
    public var onSuccess: StepAction
    public var onFailure: StepAction
}

/// What a step means to the checkers and where its injection points are.
public enum StepRole: String, Sendable, Codable, CaseIterable {
    /// Reads state; `after-read` fires after it.
    case read
    /// Takes ownership of the message; `before-claim` and `after-claim` surround it.
    case claim
    /// Writes the message's one submission; surrounded by the claim points too.
    case submit
    /// Any other write.
    case write
}

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

/// What a processor does with a delivery that failed (a step said fail, a store error, an
/// injected error or timeout).
public enum ErrorHandling: String, Sendable, Codable, CaseIterable {
    /// Raise: the broker redelivers it and, past its receives, dead-letters it.
    case nack
    /// Swallow: acknowledge as if it had worked. The message is gone.
    case ack
}

/// What the processor does after a step.
public enum StepAction: Sendable, Codable, Equatable {
    /// Go on to the next step.
    case next
    /// The message is processed: commit and acknowledge.
    case done
    /// The message was already handled (a duplicate): commit and acknowledge without processing.
    case skip
    /// The delivery failed: roll back and do not acknowledge.
    case fail
    /// Go on at a later step (by index): a branch, such as recording a failure. Only forward, so
    /// every delivery runs each step at most once.
    case jump(to: Int)

    /// The words a scenario file uses; `goto STEP` is the fifth form.
    public static let names = ["next", "done", "skip", "fail"]

    init?(name: String) {
        switch name {
        case "next": self = .next
        case "done": self = .done
        case "skip": self = .skip
        case "fail": self = .fail
        default: return nil
        }
    }
}

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
