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
                        message: Names.message(message), worker: "", attempt: 0, seed: Seed(0)))
                }
                try connection.commit()
            }
        }
        for step in scenario.stepMachine?.protocolSteps ?? [] {
            try attempt("step `\(step.name)`") { () throws(StoreError) in try connection.prepare(step.sql[dialect]!) }
        }
        if let deadLetter = scenario.tables.deadLetter[dialect] {
            try attempt("protocol.dead-letter") { () throws(StoreError) in try connection.prepare(deadLetter) }
        }
        for case .sql(let name, let query) in scenario.invariants {
            try attempt("invariant sql:\(name)") { () throws(StoreError) in try connection.prepare(query[dialect]!) }
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
