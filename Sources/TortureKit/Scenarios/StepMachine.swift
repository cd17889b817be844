/// The handler a scenario file describes: SQL steps in order, each step's result choosing what
/// comes next (`next`, `done`, `skip`, `fail`, or a forward `goto`). A delivery's steps, and an
/// actor's tick.
public struct StepMachine: DeliveryHandler {
    public let protocolSteps: [ProtocolStep]
    public let isolation: IsolationLevel?
    public let steps: [HandlerStep]

    public init(steps: [ProtocolStep], isolation: IsolationLevel?) {
        self.protocolSteps = steps
        self.isolation = isolation
        self.steps = steps.map { HandlerStep($0.name, role: $0.role, keepsValues: $0.keepsValues) }
    }

    /// The dialects every step has SQL for.
    public var dialects: Set<Dialect> {
        protocolSteps.reduce(Set(protocolSteps.first?.sql.keys.map { $0 } ?? [])) { $0.intersection($1.sql.keys) }
    }

    nonisolated(nonsending) public func handle(_ delivery: DeliveryContext) async throws -> DeliveryDecision {
        let dialect = delivery.dialect
        var action = StepAction.next
        var failure = ""
        var index = 0
        while index < protocolSteps.count {
            let step = protocolSteps[index]
            let outcome = try await delivery.run(stepAt: index, step.sql[dialect]!, holdsWhen: step.success)
            if let column = step.publishColumn { delivery.publish(outcome.result, column: column, step: step.name) }
            let held = outcome.held
            action = held ? step.onSuccess : step.onFailure
            switch action {
            case .next: index += 1
            case .jump(let target): index = target
            case .fail:
                failure = "\(step.name): `\(step.success.rawValue)` \(held ? "held" : "did not hold") and the step says fail"
                index = protocolSteps.count
            case .done, .skip: index = protocolSteps.count
            }
        }
        switch action {
        case .fail: return .fail(failure)
        case .skip: return .skip
        case .next, .jump, .done: return .done
        }
    }
}
