/// Creates the scenario's schema, publishes its messages and prepares every statement once, so a
/// typo in a scenario's SQL stops the run before it starts instead of failing every delivery.
struct StoreSetup {
    let scenario: Scenario
    let dialect: Dialect
    let messages: Int

    struct Failure: Error {
        var status: RunReport.Status
        var reason: String
    }

    func prepare(_ store: any Store) throws(Failure) {
        let connection: any StoreConnection
        do {
            connection = try store.connect()
        } catch {
            throw Failure(status: .storeFailed, reason: "cannot connect to \(store.displayName): \(error.message)")
        }
        defer { connection.close() }
        try attempt("protocol.schema.\(dialect.rawValue)") { () throws(StoreError) in
            try connection.executeScript(scenario.tables.schema[dialect]!)
        }
        if let publish = scenario.tables.publish[dialect] {
            try attempt("protocol.publish.\(dialect.rawValue)") { () throws(StoreError) in
                try connection.begin(.serializable)
                for message in 0..<messages {
                    _ = try connection.execute(publish, StatementParameters(
                        message: Names.message(message), messageNumber: message, worker: "", attempt: 0, seed: Seed(0)))
                }
                try connection.commit()
            }
        }
        let machines = [("", scenario.stepMachine?.protocolSteps ?? [])] + scenario.actors.map { ("actor `\($0.name)`: ", $0.machine.protocolSteps) }
        for (owner, steps) in machines {
            for step in steps {
                try attempt("\(owner)step `\(step.name)`") { () throws(StoreError) in try connection.prepare(step.sql[dialect]!) }
            }
            let invariantColumns = owner.isEmpty ? scenario.invariants.flatMap(\.stepColumns) : []
            try checkReturnedColumns(steps, extra: invariantColumns, owner: owner, on: connection)
        }
        if let deadLetter = scenario.tables.deadLetter[dialect] {
            try attempt("protocol.dead-letter") { () throws(StoreError) in try connection.prepare(deadLetter) }
        }
        for case .sql(let name, let query) in scenario.invariants {
            try attempt("invariant sql:\(name)") { () throws(StoreError) in try connection.prepare(query[dialect]!) }
        }
    }

    /// The store's own word on the columns a kept step returns: every `:step.column`, `publish`
    /// column and checker reference must be among them (the loader read them from the SQL text).
    private func checkReturnedColumns(
        _ steps: [ProtocolStep], extra: [StepColumn], owner: String, on connection: any StoreConnection
    ) throws(Failure) {
        var wanted = extra
        for step in steps {
            wanted += step.sql[dialect]!.stepColumns
            if let column = step.publishColumn { wanted.append(StepColumn(step: step.name, column: column)) }
        }
        for reference in wanted {
            guard let step = steps.first(where: { $0.name == reference.step }) else { continue }
            var returned: [String]?
            try attempt("\(owner)step `\(step.name)`") { () throws(StoreError) in
                returned = try connection.resultColumns(of: step.sql[dialect]!)
            }
            guard let returned, !returned.contains(where: { $0.lowercased() == reference.column }) else { continue }
            throw Failure(status: .scenarioInvalid, reason: "\(scenario.source.path): \(owner)step `\(step.name)` returns (\(returned.joined(separator: ", "))) on \(dialect.rawValue), not `\(reference.column)`, which `\(reference)` needs")
        }
    }

    private func attempt(_ what: String, _ body: () throws(StoreError) -> Void) throws(Failure) {
        do {
            try body()
        } catch {
            if error.isUnavailable {
                throw Failure(status: .storeFailed, reason: "\(what): \(error.message)")
            }
            throw Failure(status: .scenarioInvalid, reason: "\(scenario.source.path): \(what): the store refused it: \(error.message)")
        }
    }
}
