/// A handler that is a program: the code a team deploys, in any language, started as a child
/// process per worker and spoken to in JSON lines (docs/handler-protocol.md). It gets the same
/// lease, faults, history, checkers and reports as a YAML step machine: only what the delivery
/// does is the child's. The child keeps its own database connection and commits its own work,
/// so the processor opens no transaction for it (`commitsItself`), and the commit points are the
/// child's to offer.
///
/// The value is what the scenario says; the children belong to a run (`HandlerProcesses`), made
/// when the run starts and stopped when it ends. On threads a child's timing is its own; in a
/// seeded simulation (PostgreSQL through the proxy) every statement it sends waits at the proxy
/// for its lane's turn (`HandlerTurns`), so the order that reaches the server is the seed's.
public struct ProcessHandler: DeliveryHandler {
    /// The program and its arguments; the first is a path (relative to `workingDirectory`) or a
    /// name found on `PATH`.
    public var command: [String]
    /// Where the child runs and its relative paths resolve: the scenario file's folder.
    public var workingDirectory: String
    /// How the message is wrapped for the child: as SNS or SQS hands it to a Lambda, or as is.
    public var event: HandlerEventShape
    /// Lambda's timeout: past it the child is killed and the delivery fails.
    public var timeoutMillis: Int
    /// Added to torture's own environment; values may hold placeholders (`${torture.database}`).
    public var environment: [(name: String, value: EnvironmentTemplate)]
    /// The message's JSON, rendered per delivery.
    public var body: BodyTemplate
    /// Messages that carry another body: the checklists' "invalid data".
    public var poison: PoisonMessages?
    /// The steps the child reports, declared so reports and latency name them; a step the child
    /// reports without a declaration is recorded in the history all the same.
    public var steps: [HandlerStep]
    /// A hash of the command and the files it names: a replay refuses a changed handler.
    public var contentHash: UInt64
    /// On PostgreSQL, whether the child's connection goes through torture's wire proxy (its
    /// statements in the history, wire faults possible) or straight to the server.
    public var wire: HandlerWireRoute = .proxy
    /// Steps recognised in the statements the wire proxy sees, for a handler that reports none
    /// itself (an unmodified Lambda): each is also among `steps`.
    public var statementSteps: [StatementStep] = []

    public var isolation: IsolationLevel? { nil }
    public var commitsItself: Bool { true }

    public init(
        command: [String], workingDirectory: String, event: HandlerEventShape = .raw, timeoutMillis: Int = 3_000,
        environment: [(name: String, value: EnvironmentTemplate)] = [], body: BodyTemplate = .messageIdentity,
        poison: PoisonMessages? = nil, steps: [HandlerStep] = []
    ) {
        precondition(!command.isEmpty, "a handler has a command")
        precondition(timeoutMillis > 0, "a handler's timeout is positive")
        self.command = command
        self.workingDirectory = workingDirectory
        self.event = event
        self.timeoutMillis = timeoutMillis
        self.environment = environment
        self.body = body
        self.poison = poison
        self.steps = steps
        self.contentHash = HandlerFiles.hash(command: command, workingDirectory: workingDirectory)
    }

    /// `python3 handler.py --lambda mod.fn`: how reports name it.
    public var commandLine: String { command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }

    /// The body message `number` carries.
    func body(for number: Int) -> BodyTemplate {
        if let poison, number % poison.every == 0 { return poison.body }
        return body
    }

    nonisolated(nonsending) public func handle(_ delivery: DeliveryContext) async throws -> DeliveryDecision {
        guard let processes = delivery.machinery.context.handlerProcesses else {
            preconditionFailure("a process handler runs in a run that started its processes")
        }
        return try await HandlerConversation(handler: self, processes: processes, delivery: delivery).run()
    }
}

/// A step named by the statement that runs it: the first declared step whose `pattern` (a
/// regular expression) matches a statement's text is that statement's step.
public struct StatementStep: Sendable, Equatable {
    public var name: String
    public var role: StepRole
    public var pattern: String
    public var success: SuccessCondition

    public init(name: String, role: StepRole, pattern: String, success: SuccessCondition = .rowsAffected) {
        self.name = name
        self.role = role
        self.pattern = pattern
        self.success = success
    }

    /// Whether the statement held, from its command tag: `SELECT n` returned n rows, any other
    /// tag's count is rows affected.
    func holds(tag: String, rows: Int?) -> Bool {
        let isSelect = tag.hasPrefix("SELECT")
        let count = rows ?? 0
        switch success {
        case .rowsAffected: return !isSelect && count > 0
        case .rowReturned: return isSelect && count > 0
        case .noRow: return isSelect && count == 0
        }
    }
}

/// How a handler process reaches PostgreSQL.
public enum HandlerWireRoute: String, Sendable, CaseIterable {
    /// Through torture's proxy: statements recorded, wire faults injected.
    case proxy
    /// Straight to the server: no statements recorded, no wire faults (a scenario with them is refused).
    case direct
}

/// How a delivery is wrapped for the child, as the AWS services hand it to a Lambda.
public enum HandlerEventShape: String, Sendable, CaseIterable {
    /// `Records[0].Sns`: the body as `Message` (a JSON string), the message id in `MessageAttributes`.
    case sns
    /// `Records[0]`: the body as `body`, `attributes.ApproximateReceiveCount` the receive.
    case sqs
    /// The body itself.
    case raw
}

/// Every `every`-th message (by number: 0, every, 2·every, …) carries `body` instead.
public struct PoisonMessages: Sendable {
    public var every: Int
    public var body: BodyTemplate

    public init(every: Int, body: BodyTemplate) {
        precondition(every >= 1, "poison messages come every 1 or more messages")
        self.every = every
        self.body = body
    }
}
