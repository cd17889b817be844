/// A file's `protocol:` section: the tables, the lets, the step machine, and what to do after a
/// failure.
struct ProcessingProtocol {
    var tables: ScenarioTables
    var machine: StepMachine
    var onError: ErrorHandling
    var sql: SQLReader
    /// The file's `handler:`, which takes the place of `steps`.
    var process: ProcessHandler?
    var dialects: Set<Dialect> { Set(tables.schema.keys) }

    static func read(_ reader: YAMLReader, notes: SourceNotes, process: ProcessHandler? = nil) throws(ScenarioError) -> ProcessingProtocol {
        let map = try reader.mapping(allowed: ["schema", "let", "publish", "transaction", "steps", "dead-letter", "on-error"])
        let schema = try SQLReader.schema(try map.required("schema"), notes: notes)
        let lets = try map.optional("let").map { reader throws(ScenarioError) in try readLets(reader) } ?? [:]
        let sql = SQLReader(dialects: Set(schema.keys), lets: lets, notes: notes)
        let publish = try map.optional("publish").map { reader throws(ScenarioError) in
            try sql.templates(reader, scope: .publish, site: .publish)
        } ?? [:]
        let transaction = try map.optional("transaction")?.choice(IsolationLevel.self)
        let deadLetter = try map.optional("dead-letter").map { reader throws(ScenarioError) in
            try sql.templates(reader, scope: .deadLetter, site: .deadLetter)
        } ?? [:]
        let steps: [ProtocolStep]
        if let process {
            if let stepsReader = map.optional("steps") {
                throw stepsReader.error("`protocol.steps` and `handler` are exclusive: the handler process is what a delivery does "
                    + "(`\(process.commandLine)`); remove one of them")
            }
            if let transactionReader = map.optional("transaction") {
                throw transactionReader.error("a handler process commits its own work on its own connection: `protocol.transaction` does not apply")
            }
            steps = []
        } else {
            guard let stepsReader = map.optional("steps") else {
                throw reader.error("missing required key `steps` at `protocol` (or a top-level `handler:` that runs a program for each delivery)")
            }
            steps = try StepReader(sql: sql, place: "a step", builtIn: ParameterScope.workerStepBuiltIns, allowsPublish: false,
                                   site: SQLSite.step).read(stepsReader)
        }
        let onError = try map.optional("on-error")?.choice(ErrorHandling.self) ?? .nack
        return ProcessingProtocol(
            tables: ScenarioTables(schema: schema, publish: publish, deadLetter: deadLetter),
            machine: StepMachine(steps: steps, isolation: transaction), onError: onError, sql: sql, process: process
        )
    }

    /// `let: { name: SQL expression }`: each name a plain identifier that no built-in parameter
    /// has; each expression must parse (its own parameters are checked where it is used).
    private static func readLets(_ reader: YAMLReader) throws(ScenarioError) -> [String: String] {
        let map = try reader.mappingOfAnyKeys()
        var lets: [String: String] = [:]
        for (name, keyReader, value) in map {
            guard name.isPlainIdentifier else {
                throw keyReader.error("a let's name is written as `:\(name)` in SQL, so it must be letters, digits and `_`")
            }
            guard ParameterName(builtIn: name) == nil else {
                throw keyReader.error("`\(name)` is a built-in parameter; give the let another name")
            }
            lets[name] = try value.string()
        }
        for (name, _, value) in map {
            switch Result(catching: { () throws(SQLTemplate.ParseError) in try SQLTemplate(":\(name)", lets: lets) }) {
            case .success: break
            case .failure(.unknownParameter(let unknown, _)):
                let hint = Suggestion.closest(to: unknown, among: ParameterName.builtIn.map(\.spelling) + lets.keys.sorted())
                    .map { "; did you mean `:\($0)`?" } ?? ""
                throw value.error("unknown parameter `:\(unknown)` in `let: \(name)`\(hint)")
            case .failure(.letCycle(let names)):
                throw value.error("lets name each other in a circle: \(names.joined(separator: " → "))")
            }
        }
        return lets
    }
}

extension YAMLReader {
    /// A mapping whose keys are the author's names (lets), in file order.
    func mappingOfAnyKeys() throws(ScenarioError) -> [(key: String, keyReader: YAMLReader, value: YAMLReader)] {
        guard case .mapping(let entries) = node.kind else {
            throw error("expected a mapping of names to SQL expressions at `\(path)`, got \(node.shortDescription)")
        }
        var seen = Set<String>()
        var result: [(key: String, keyReader: YAMLReader, value: YAMLReader)] = []
        for (keyNode, value) in entries {
            let keyReader = YAMLReader(node: keyNode, path: path)
            let key = try keyReader.string()
            guard seen.insert(key).inserted else { throw keyReader.error("`\(key)` appears twice at `\(path)`") }
            result.append((key, keyReader, YAMLReader(node: value, path: "\(path).\(key)")))
        }
        return result
    }
}
