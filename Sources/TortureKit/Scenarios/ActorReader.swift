/// A file's `actors:` list: each actor's name, schedule, transaction, faults and steps.
enum ActorReader {
    static func read(
        _ reader: YAMLReader, sql: SQLReader, scenarioFaults: FaultProfile
    ) throws(ScenarioError) -> [ScenarioActor] {
        var actors: [ScenarioActor] = []
        for entry in try reader.sequence() {
            let map = try entry.mapping(allowed: ["name", "schedule", "transaction", "faults", "steps", "holds-run-open"])
            let nameReader = try map.required("name")
            let name = try nameReader.string()
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw nameReader.error("expected an actor name of letters, digits, `-` and `_`, got \"\(name)\"")
            }
            guard !actors.contains(where: { $0.name == name }) else {
                throw nameReader.error("two actors are named `\(name)`; actor names must be unique")
            }
            guard let scheduleReader = map.optional("schedule") else {
                throw entry.error("actor `\(name)` has no `schedule`; expected schedule: { every-millis: N, jitter-millis: N, instances: N, overlap: true|false }")
            }
            let schedule = try readSchedule(scheduleReader)
            let isolation = try map.optional("transaction")?.choice(IsolationLevel.self)
            var faults = scenarioFaults.disabling(FaultKind.duplicate.ruleNames(in: scenarioFaults)).profile
            if let own = map.optional("faults") {
                faults = try ScenarioLoader.readFaults(own)
                if let duplicate = faults.rules[.duplicate], !duplicate.isEmpty {
                    throw own.error("`duplicate` has no meaning for an actor: it has no delivery to copy")
                }
            }
            let steps = try StepReader(sql: sql, place: "an actor's step", builtIn: ParameterScope.actorStepBuiltIns, allowsPublish: true,
                                       site: { SQLSite.actorStep(actor: name, step: $0) }).read(try map.required("steps"))
            let holdsRunOpen = try map.optional("holds-run-open")?.bool() ?? true
            actors.append(ScenarioActor(name: name, schedule: schedule, machine: StepMachine(steps: steps, isolation: isolation), faults: faults,
                                        holdsRunOpen: holdsRunOpen))
        }
        return actors
    }

    private static func readSchedule(_ reader: YAMLReader) throws(ScenarioError) -> ActorSchedule {
        let map = try reader.mapping(allowed: ["every-millis", "jitter-millis", "instances", "overlap"])
        return ActorSchedule(
            everyMillis: try map.required("every-millis").int(in: 1...86_400_000),
            jitterMillis: try map.optional("jitter-millis")?.int(in: 0...86_400_000) ?? 0,
            instances: try map.optional("instances")?.int(in: 1...64) ?? 1,
            overlap: try map.optional("overlap")?.bool() ?? true
        )
    }
}

extension FaultKind {
    /// This kind's rules in a profile, as `kind@point` names.
    func ruleNames(in profile: FaultProfile) -> [String] {
        profile.ruleNames.filter { $0.hasPrefix("\(rawValue)@") }
    }
}
