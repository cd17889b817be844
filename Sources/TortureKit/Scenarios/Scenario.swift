/// A scenario: what to run, which faults to inject, what must hold. Read from a file by
/// `ScenarioLoader`, or built in code around a handler of your own.
public struct Scenario: Sendable {
    public var name: String
    /// One line: the file's `summary:`, else the description's first sentence.
    public var summary: String
    /// In full, as written.
    public var description: String
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
    /// Participants beside the workers, each on its own schedule: sweepers, crons, reapers.
    public var actors: [ScenarioActor]
    /// The built-in invariants that must hold.
    public var invariants: [InvariantSpec]
    /// Checkers of your own, run after the built-in ones.
    public var checkers: [any Checker]
    /// What some run must reach at least once: a soak lists the conditions no run reached.
    public var sometimes: [SometimesCondition]
    /// When the run's work is over, in the scenario's words: the run ends once the queue is empty
    /// and this query returns no rows, asked by an actor that holds the run open at the end of
    /// each of its runs. Nil: the run ends when the queue is empty and every such actor has had a
    /// run that changed nothing since the last change anywhere.
    public var until: [Dialect: SQLTemplate]?
    /// How long store calls and receives take in a simulated run; nil: the store's defaults
    /// (`SimulatedLatency.defaults(for:)`).
    public var simulatedLatency: SimulatedLatency?
    public var source: ScenarioSource
    /// What `validate` says about a file that loads: SQL that reaches past the run's schema.
    public var warnings: [ScenarioError] = []

    /// Reports are filed in a folder named after the scenario.
    public static let nameLengthLimit = 64

    public init(
        name: String, summary: String, description: String? = nil, seedSystem: String? = nil, workload: Workload, faults: FaultProfile = .none,
        delivery: DeliveryPolicy = .standard, tables: ScenarioTables, handler: any DeliveryHandler,
        onError: ErrorHandling = .nack, actors: [ScenarioActor] = [], invariants: [InvariantSpec], checkers: [any Checker] = [],
        sometimes: [SometimesCondition] = [], until: [Dialect: SQLTemplate]? = nil, simulatedLatency: SimulatedLatency? = nil,
        source: ScenarioSource? = nil, warnings: [ScenarioError] = []
    ) {
        self.until = until
        self.warnings = warnings
        self.simulatedLatency = simulatedLatency
        self.name = name
        self.summary = summary
        self.description = description ?? summary
        self.seedSystem = seedSystem
        self.workload = workload
        self.faults = faults
        self.delivery = delivery
        self.tables = tables
        self.handler = handler
        self.onError = onError
        self.actors = actors
        self.invariants = invariants
        self.checkers = checkers
        self.sometimes = sometimes
        self.source = source ?? ScenarioSource(path: "(built in code: \(name))", contentHash: 0)
    }

    /// The dialects the scenario's tables are written for.
    public var dialects: Set<Dialect> { Set(tables.schema.keys) }

    /// The YAML step machine, when the scenario came from a file.
    public var stepMachine: StepMachine? { handler as? StepMachine }
}

public struct ScenarioSource: Sendable, Equatable {
    public var path: String
    public var contentHash: UInt64
    /// The line of each piece of SQL, so a store's refusal of it names file and line.
    public var sqlLines: [SQLSite.Key: Int] = [:]
    /// The file of each piece of SQL a twin inherits from its base (`extends:`); the rest is in `path`.
    public var sqlFiles: [SQLSite.Key: String] = [:]

    public init(path: String, contentHash: UInt64, sqlLines: [SQLSite.Key: Int] = [:], sqlFiles: [SQLSite.Key: String] = [:]) {
        self.path = path
        self.contentHash = contentHash
        self.sqlLines = sqlLines
        self.sqlFiles = sqlFiles
    }

    /// `file:line` of a piece of SQL, or the file alone when the line is not known.
    public func location(of site: SQLSite, _ dialect: Dialect) -> String {
        let key = SQLSite.Key(site: site, dialect: dialect)
        let file = sqlFiles[key] ?? path
        return sqlLines[key].map { "\(file):\($0)" } ?? file
    }
}

/// Where a piece of a scenario's SQL sits, in the file's own words.
public enum SQLSite: Sendable, Hashable {
    case schema
    case publish
    case deadLetter
    case step(String)
    case actorStep(actor: String, step: String)
    /// By the invariant's name: `sql:every-message-claimed`, `no-duplicate-submissions`.
    case invariant(String)
    /// A `sometimes:` condition's query, by its name.
    case sometimes(String)
    /// The `until:` query that ends the run.
    case until

    public var words: String {
        switch self {
        case .schema: "protocol.schema"
        case .publish: "protocol.publish"
        case .deadLetter: "protocol.dead-letter"
        case .step(let name): "step `\(name)`"
        case .actorStep(let actor, let step): "actor `\(actor)` step `\(step)`"
        case .invariant(let name): "invariant `\(name)`"
        case .sometimes(let name): "`sometimes` condition `\(name)`"
        case .until: "`until`"
        }
    }

    public struct Key: Sendable, Hashable {
        public var site: SQLSite
        public var dialect: Dialect
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
    /// A later step or a checker uses what this step returns (`:name.column`).
    public var keepsValues: Bool
    /// An actor's step: the column of each returned row that names a message to publish again.
    public var publishColumn: String?

    public init(
        name: String, role: StepRole, sql: [Dialect: SQLTemplate], success: SuccessCondition,
        onSuccess: StepAction = .next, onFailure: StepAction = .fail, keepsValues: Bool = false, publishColumn: String? = nil
    ) {
        self.name = name
        self.role = role
        self.sql = sql
        self.success = success
        self.onSuccess = onSuccess
        self.onFailure = onFailure
        self.keepsValues = keepsValues
        self.publishColumn = publishColumn
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
