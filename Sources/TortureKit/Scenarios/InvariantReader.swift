/// A file's `invariants:` list: built-in names, and the forms that take settings.
enum InvariantReader {
    static let withSettings = ["no-duplicate-submissions", "sql", "no-lost-update"]

    static func read(_ reader: YAMLReader, processing: ProcessingProtocol) throws(ScenarioError) -> [InvariantSpec] {
        let entries = try reader.sequence()
        guard !entries.isEmpty else { throw reader.error("`invariants` is empty; a scenario must check something") }
        let plainNames = InvariantSpec.plain.map(\.name)
        var invariants: [InvariantSpec] = []
        for entry in entries {
            let invariant: InvariantSpec
            if entry.isScalar {
                let name = try entry.string()
                guard let plain = InvariantSpec.plain.first(where: { $0.name == name }) else {
                    let hint = Suggestion.closest(to: name, among: plainNames + withSettings).map { "; did you mean `\($0)`?" } ?? ""
                    let form = withSettings.contains(name) ? " (`\(name)` needs settings: see scenarios/README.md)" : ""
                    throw entry.error("unknown invariant `\(name)`\(hint)\(form); expected \(plainNames.joined(separator: ", ")), no-duplicate-submissions: {table, key}, sql: {name, query} or no-lost-update: {read, wrote, key}")
                }
                let claims = processing.process.map { $0.steps.contains { $0.role == .claim } }
                    ?? processing.machine.protocolSteps.contains(where: { $0.role == .claim })
                if plain == .exactlyOneClaim, !claims {
                    throw entry.error(processing.process == nil ? "`exactly-one-claim` needs a step with `role: claim`"
                        : "`exactly-one-claim` needs a step with `role: claim` among `handler.steps` (the steps the handler reports)")
                }
                // A handler process says `skip` in its result: any of its deliveries may.
                if plain == .everySkipBacked, processing.process == nil,
                   !processing.machine.protocolSteps.contains(where: { $0.onSuccess == .skip || $0.onFailure == .skip }) {
                    throw entry.error("`every-skip-backed` needs a step that can `skip`")
                }
                invariant = plain
            } else {
                let map = try entry.mapping(allowed: withSettings)
                guard map.entries.count == 1, let (key, _, value) = map.values.first else {
                    throw entry.error("expected one invariant per list item")
                }
                switch key {
                case "sql":
                    let settings = try value.mapping(allowed: ["name", "query"])
                    let name = try settings.required("name").string()
                    invariant = .sql(name: name, query: try processing.sql.templates(
                        try settings.required("query"), scope: .query, site: .invariant("sql:\(name)")))
                case "no-lost-update":
                    invariant = try readLostUpdate(value, steps: processing.machine.protocolSteps)
                default:
                    let settings = try value.mapping(allowed: ["table", "key"])
                    invariant = .noDuplicateSubmissions(
                        table: try identifier(settings.required("table")),
                        key: try identifier(settings.required("key"))
                    )
                    for dialect in processing.dialects { processing.sql.notes.record(.invariant(invariant.name), dialect, at: entry) }
                }
            }
            guard !invariants.contains(invariant) else { throw entry.error("invariant `\(invariant.name)` is listed twice") }
            invariants.append(invariant)
        }
        return invariants
    }

    private static func readLostUpdate(_ reader: YAMLReader, steps: [ProtocolStep]) throws(ScenarioError) -> InvariantSpec {
        let settings = try reader.mapping(allowed: ["read", "wrote", "key"])
        let scope = ParameterScope(
            place: "`no-lost-update`", builtIn: [],
            steps: steps.map { ParameterScope.ScopedStep(name: $0.name, sql: $0.sql) }, position: steps.count)
        func column(_ key: String) throws(ScenarioError) -> StepColumn? {
            guard let value = settings.optional(key) else { return nil }
            let text = try value.string()
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts.allSatisfy(\.isPlainIdentifier) else {
                throw value.error("expected STEP.COLUMN (e.g. `read.value`) at `\(value.path)`, got \"\(text)\"")
            }
            let reference = StepColumn(step: parts[0], column: parts[1])
            if let problem = scope.stepProblem(reference, spelled: "`\(text)`") { throw value.error(problem) }
            return reference
        }
        guard let read = try column("read") else { throw reader.error("missing required key `read` at `\(reader.path)` (the STEP.COLUMN the delivery read)") }
        return .noLostUpdate(read: read, wrote: try column("wrote"), key: try column("key"))
    }

    /// Table and column names are spliced into checker SQL (identifiers cannot be bound), so only
    /// plain identifiers pass.
    private static func identifier(_ reader: YAMLReader) throws(ScenarioError) -> String {
        let text = try reader.string()
        guard text.isPlainIdentifier else { throw reader.error("expected a plain SQL identifier (letters, digits, `_`), got \"\(text)\"") }
        return text
    }
}
