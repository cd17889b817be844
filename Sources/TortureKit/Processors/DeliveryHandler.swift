/// What one delivery does: the protocol under test, written once and run by every processor.
///
/// The processor owns the delivery's lifecycle — the lease, the transaction, the injection points
/// around commit and ack, the ack / nack / abandon, the history and the latency — and calls
/// `handle` in between. A handler owns only the work: it runs its statements through the
/// `DeliveryContext` (which records each one and fires the faults its role implies) and says how
/// the delivery ended. The YAML step machine is one handler; a Swift type written against this
/// protocol is another, and both get the same faults, checkers, reports, replay and shrink.
///
/// A handler knows nothing of threads or simulation: `handle` runs on its processor's executor
/// (`nonisolated(nonsending)`), so a store call never lands on the cooperative pool, and in
/// simulation every await is a step the seeded scheduler chooses.
public protocol DeliveryHandler: Sendable {
    /// Every step `handle` may run, in order: latency is recorded per step, reports name them,
    /// and each step's role places its injection points.
    var steps: [HandlerStep] { get }
    /// The transaction the processor opens before `handle` and commits after it; nil runs each
    /// statement in autocommit.
    var isolation: IsolationLevel? { get }
    /// The handler commits its own work on a connection of its own (a process handler): the
    /// processor opens no transaction and fires no `before-commit` / `after-commit` of its own —
    /// those points are the handler's to offer. False for a handler that works through the
    /// `DeliveryContext`.
    var commitsItself: Bool { get }
    /// Runs one delivery. Return how it ended; throw to fail it (the processor rolls back and
    /// nacks). An error thrown by the context — an injected fault, a lost store — must be
    /// allowed through: the processor carries it out.
    nonisolated(nonsending) func handle(_ delivery: DeliveryContext) async throws -> DeliveryDecision
}

extension DeliveryHandler {
    public var commitsItself: Bool { false }
}

/// A step a handler declares: a name for the history and the reports, and what the step means.
public struct HandlerStep: Sendable, Equatable {
    public var name: String
    public var role: StepRole
    /// Keep the first row the step returns: later statements of the delivery bind its columns as
    /// `:step.column`, and the history records them for the witnesses.
    public var keepsValues: Bool

    public init(_ name: String, role: StepRole, keepsValues: Bool = false) {
        self.name = name
        self.role = role
        self.keepsValues = keepsValues
    }
}

/// How a delivery ended, in the handler's words.
public enum DeliveryDecision: Sendable, Equatable {
    /// The work landed: commit, record `processed`, acknowledge.
    case done
    /// Someone else handled this message: commit and acknowledge without processing.
    case skip
    /// The delivery failed: roll back and let the broker redeliver it (or dead-letter it).
    case fail(String)
}
