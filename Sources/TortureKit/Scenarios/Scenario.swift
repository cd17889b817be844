/// A scenario: what to run, which faults to inject, what must hold. Read from a file by
/// `ScenarioLoader`, or built in code around a handler of your own.
public struct Scenario: Sendable {
    public var name: String
    public var summary: String
    /// Which seed system (shared/seeds) the scenario comes from, e.g. "003".
    public var seedSystem: String?
    public var workload: Workload
    public var faults: FaultProfile
    public var delivery: DeliveryPolicy
    /// What the store holds before the run: tables, published messages, and the DLQ table.
    public var tables: ScenarioTables
    /// What one delivery does.
    public var handler: any DeliveryHandler
    /// What the processor tells the broker after a failure.
    public var onError: ErrorHandling
    /// The built-in invariants that must hold.
    public var invariants: [InvariantSpec]
    /// Checkers of your own, run after the built-in ones.
    public var checkers: [any Checker]
    /// How long store calls and receives take in a simulated run; nil: the store's defaults
    /// (`SimulatedLatency.defaults(for:)`).
    public var simulatedLatency: SimulatedLatency?
    public var source: ScenarioSource

    public init(
        name: String, summary: String, seedSystem: String? = nil, workload: Workload, faults: FaultProfile = .none,
        delivery: DeliveryPolicy = .standard, tables: ScenarioTables, handler: any DeliveryHandler,
        onError: ErrorHandling = .nack, invariants: [InvariantSpec], checkers: [any Checker] = [],
        simulatedLatency: SimulatedLatency? = nil, source: ScenarioSource? = nil
    ) {
        self.simulatedLatency = simulatedLatency
        self.name = name
        self.summary = summary
        self.seedSystem = seedSystem
        self.workload = workload
        self.faults = faults
        self.delivery = delivery
        self.tables = tables
        self.handler = handler
        self.onError = onError
        self.invariants = invariants
        self.checkers = checkers
        self.source = source ?? ScenarioSource(path: "(built in code: \(name))", contentHash: 0)
    }

    /// The dialects the scenario's tables are written for.
    public var dialects: Set<Dialect> { Set(tables.schema.keys) }

    /// The YAML step machine, when the scenario came from a file.
    public var stepMachine: StepMachine? { handler as? StepMachine }
}

public struct ScenarioSource: Sendable, Codable, Equatable {
    public var path: String
    public var contentHash: UInt64

    public init(path: String, contentHash: UInt64) {
        self.path = path
        self.contentHash = contentHash
    }
}

/// What the store holds before a run, per dialect: the schema, how a message is published, and
/// (when the DLQ is a table, as in seed 004's `webhook_dlq`) how a message is dead-lettered.
public struct ScenarioTables: Sendable {
    public var schema: [Dialect: String]
    /// Run once per message before processors start: how a message becomes visible to the store.
    public var publish: [Dialect: SQLTemplate]
    /// Run by the processor that finds a message past its receives; without it the DLQ is the
    /// broker's.
    public var deadLetter: [Dialect: SQLTemplate]

    public init(schema: [Dialect: String], publish: [Dialect: SQLTemplate] = [:], deadLetter: [Dialect: SQLTemplate] = [:]) {
        self.schema = schema
        self.publish = publish
        self.deadLetter = deadLetter
    }
}

/// One step of the YAML step machine.
public struct ProtocolStep: Sendable {
    public var name: String
    public var role: StepRole
    public var sql: [Dialect: SQLTemplate]
    public var success: SuccessCondition
    public var onSuccess: StepAction
    public var onFailure: StepAction

    public init(
        name: String, role: StepRole, sql: [Dialect: SQLTemplate], success: SuccessCondition,
        onSuccess: StepAction = .next, onFailure: StepAction = .fail
    ) {
        self.name = name
        self.role = role
        self.sql = sql
        self.success = success
        self.onSuccess = onSuccess
        self.onFailure = onFailure
    }
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
