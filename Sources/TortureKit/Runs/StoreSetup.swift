/// Creates the scenario's schema, publishes its messages and prepares every statement once, so a
/// mistake in a scenario's SQL stops the run before it starts — naming the file and line — instead
/// of failing every delivery or, worse, the checks at the end. `validate --store` runs the same.
public struct StoreSetup {
    public let scenario: Scenario
    public let dialect: Dialect
    public let messages: Int

    public init(scenario: Scenario, dialect: Dialect, messages: Int) {
        self.scenario = scenario
        self.dialect = dialect
        self.messages = messages
    }

    public struct Failure: Error, CustomStringConvertible {
        public var status: RunReport.Status
        public var reason: String
        public var description: String { reason }
    }

    /// `interrupted` is asked while the messages are published: a signal during a long set-up
    /// (thousands of round trips to a loaded server) ends it within a few of them, the messages
    /// rolled back and nothing else prepared.
    public func prepare(_ store: any Store, interrupted: () -> Bool = { false }) throws(Failure) {
        let connection: any StoreConnection
        do {
            connection = try store.connect()
        } catch {
            throw Failure(status: .storeFailed, reason: "cannot connect to \(store.displayName): \(error.message)")
        }
        defer { connection.close() }
        try attempt(.schema) { () throws(StoreError) in
            try connection.executeScript(scenario.tables.schema[dialect]!)
        }
        if let publish = scenario.tables.publish[dialect] {
            try attempt(.publish) { () throws(StoreError) in
                try connection.begin(.serializable)
                for message in 0..<messages {
                    if message % Self.publishesBetweenInterruptChecks == 0, interrupted() {
                        try connection.rollback()
                        return
                    }
                    _ = try connection.execute(publish, StatementParameters(
                        message: Names.message(message), messageNumber: message, worker: "", attempt: 0, seed: Seed(0)))
                }
                try connection.commit()
            }
        }
        if interrupted() { return }
        let machines: [(steps: [ProtocolStep], site: (String) -> SQLSite)] =
            [(scenario.stepMachine?.protocolSteps ?? [], SQLSite.step)]
            + scenario.actors.map { actor in (actor.machine.protocolSteps, { SQLSite.actorStep(actor: actor.name, step: $0) }) }
        for (index, machine) in machines.enumerated() {
            // Each statement is prepared with its step values typed as the columns they come from.
            var types = StepColumnTypes(
                statements: Dictionary(machine.steps.map { ($0.name, $0.sql[dialect]!) }, uniquingKeysWith: { first, _ in first }),
                on: connection)
            for step in machine.steps {
                let statement = step.sql[dialect]!
                try attempt(machine.site(step.name)) { () throws(StoreError) in
                    try connection.prepare(statement, stepTypes: try types.stepTypes(for: statement))
                }
            }
            let checked = index == 0 ? scenario.invariants.flatMap(\.stepColumns) : []
            try checkReturnedColumns(machine.steps, extra: checked, site: machine.site, types: &types)
        }
        if let deadLetter = scenario.tables.deadLetter[dialect] {
            try attempt(.deadLetter) { () throws(StoreError) in try connection.prepare(deadLetter) }
        }
        // Each check's query (each `sometimes` query, the `until` query) runs once, read-only, on the freshly published store: one naming a
        // table that is not there, or one that writes, is the scenario's mistake (exit 2), found
        // before the run rather than as a failed store at its end.
        let checks = scenario.invariants.compactMap { invariant in
            CheckerCatalogue.storeQuery(of: invariant, dialect: dialect).map { (SQLSite.invariant(invariant.name), $0) }
        } + scenario.sometimes.compactMap { condition in
            guard case .sql(let query) = condition.check else { return nil }
            return (SQLSite.sometimes(condition.name), query[dialect]!)
        } + (scenario.until?[dialect].map { [(SQLSite.until, $0)] } ?? [])
        for (site, query) in checks {
            try attempt(site) { () throws(StoreError) in
                try connection.beginReadOnly()
                defer { try? connection.endReadOnly() }
                _ = try connection.execute(query, .forChecks)
            }
        }
    }

    /// The store's own word on the columns a kept step returns: every `:step.column`, `publish`
    /// column and checker reference must be among them (the loader read them from the SQL text).
    private func checkReturnedColumns(
        _ steps: [ProtocolStep], extra: [StepColumn], site: (String) -> SQLSite, types: inout StepColumnTypes
    ) throws(Failure) {
        var wanted = extra
        for step in steps {
            wanted += step.sql[dialect]!.stepColumns
            if let column = step.publishColumn { wanted.append(StepColumn(step: step.name, column: column)) }
        }
        for reference in wanted {
            guard let step = steps.first(where: { $0.name == reference.step }) else { continue }
            var returned: [String]?
            try attempt(site(step.name)) { () throws(StoreError) in returned = try types.columns(ofStep: step.name)?.map(\.name) }
            guard let returned, !returned.contains(where: { $0.lowercased() == reference.column }) else { continue }
            throw Failure(status: .scenarioInvalid, reason: "\(scenario.source.location(of: site(step.name), dialect)): \(site(step.name).words) "
                + "returns (\(returned.joined(separator: ", "))) on \(dialect.rawValue), not `\(reference.column)`, which `\(reference)` needs")
        }
    }

    static let publishesBetweenInterruptChecks = 64

    private func attempt(_ site: SQLSite, _ body: () throws(StoreError) -> Void) throws(Failure) {
        do {
            try body()
        } catch {
            if error.isUnavailable {
                throw Failure(status: .storeFailed, reason: "\(site.words): \(error.message)")
            }
            throw Failure(status: .scenarioInvalid,
                          reason: "\(scenario.source.location(of: site, dialect)): \(site.words) (\(dialect.rawValue)): the store refused it: \(error.message)")
        }
    }
}
