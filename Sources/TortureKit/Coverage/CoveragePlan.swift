/// What a run's coverage counts, fixed from the scenario before the pass: every counter the
/// scenario can move — each reported at 0 until it moves, which is the point: a soak shows what
/// it never reached — and for each step the counters its outcomes move.
struct CoveragePlan {
    var slots = CoverageSlots()
    /// Per machine — 0 the processors' handler, 1 + i actor i — each step's slots by its name.
    var steps: [[String: StepSlots]] = []
    /// Per actor, by its position in the file.
    var actorNames: [String] = []
    var actorChangedRows: [Int] = []
    /// Nil for an actor without a `publish` column.
    var actorPublished: [Int?] = []

    struct StepSlots {
        var held: Int
        var failed: Int
        /// The action the step's outcome chooses, when it is one worth counting (not `next`).
        var actionWhenHeld: Int?
        var actionWhenFailed: Int?
    }

    /// The fixed counters' slots: `CoverageCounter.everyRun`, in its order.
    static let redelivery = 0, leaseExpired = 1, takeover = 2, ackRefused = 3, deadLetter = 4

    init(scenario: Scenario) {
        for name in CoverageCounter.everyRun { _ = slots.slot(name) }
        assert(slots.names[Self.deadLetter] == CoverageCounter.deadLetter, "the fixed slots follow `everyRun`")
        for rule in scenario.faults.ruleNames + scenario.actors.flatMap(\.faults.ruleNames) {
            _ = slots.slot(CoverageCounter.fault(rule: rule))
        }
        steps.append(machineSlots(names: scenario.handler.steps.map(\.name), protocolSteps: scenario.stepMachine?.protocolSteps ?? [],
                                  actor: nil))
        for actor in scenario.actors {
            steps.append(machineSlots(names: actor.machine.protocolSteps.map(\.name), protocolSteps: actor.machine.protocolSteps,
                                      actor: actor.name))
            actorNames.append(actor.name)
            actorChangedRows.append(slots.slot(CoverageCounter.actorChangedRows(actor.name)))
            actorPublished.append(actor.publishes ? slots.slot(CoverageCounter.actorPublished(actor.name)) : nil)
        }
    }

    /// A step that no plan names — a handler process may report steps it did not declare — gets
    /// slots when first seen.
    mutating func unplannedStep(_ name: String, machine: Int) -> StepSlots {
        let actor = machine == 0 ? nil : actorNames[machine - 1]
        let step = StepSlots(held: slots.slot(CoverageCounter.step(name, actor: actor, held: true)),
                             failed: slots.slot(CoverageCounter.step(name, actor: actor, held: false)))
        steps[machine][name] = step
        return step
    }

    private mutating func machineSlots(names: [String], protocolSteps: [ProtocolStep], actor: String?) -> [String: StepSlots] {
        var machine: [String: StepSlots] = [:]
        for name in names {
            machine[name] = StepSlots(held: slots.slot(CoverageCounter.step(name, actor: actor, held: true)),
                                      failed: slots.slot(CoverageCounter.step(name, actor: actor, held: false)))
        }
        for (index, step) in protocolSteps.enumerated() {
            let words = (Self.actionWords(step.onSuccess, at: index, in: protocolSteps), Self.actionWords(step.onFailure, at: index, in: protocolSteps))
            machine[step.name]?.actionWhenHeld = words.0.map { slots.slot(CoverageCounter.action($0, actor: actor)) }
            machine[step.name]?.actionWhenFailed = words.1.map { slots.slot(CoverageCounter.action($0, actor: actor)) }
        }
        return machine
    }

    /// `done`, `skip`, `fail`, `goto STEP`; `next` on the last step is `done`, as the step machine
    /// reads it, and elsewhere is not counted: every step but the last has it.
    static func actionWords(_ action: StepAction, at index: Int, in steps: [ProtocolStep]) -> String? {
        switch action {
        case .next: index == steps.count - 1 ? "done" : nil
        case .done: "done"
        case .skip: "skip"
        case .fail: "fail"
        case .jump(let target): target < steps.count ? "goto \(steps[target].name)" : "done"
        }
    }
}
