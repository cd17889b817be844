import Foundation
internal import Yams

/// Reads and validates a scenario file. Anything wrong is a `ScenarioError` naming file and line;
/// nothing is defaulted silently.
public enum ScenarioLoader {
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(file: path, message: "cannot read the scenario file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioError(file: file, line: 1, message: "the file is empty; expected a scenario mapping")
            }
            root = composed
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw syntaxError(error, file: file)
        }
        let top = try YAMLReader(node: root, path: "", file: file)
            .mapping(allowed: ["name", "description", "seed-system", "workload", "delivery", "faults", "protocol", "invariants"])

        let nameReader = try top.required("name")
        let name = try nameReader.string()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw nameReader.error("expected a name of letters, digits, `-` and `_`, got \"\(name)\"")
        }
        let summary = try top.required("description").string()
        let seedSystem = try top.optional("seed-system")?.string()
        let workload = try readWorkload(try top.required("workload"))
        let faults = try top.optional("faults").map { reader throws(ScenarioError) in try readFaults(reader) } ?? .none
        let delivery = try top.optional("delivery").map { reader throws(ScenarioError) in try readDelivery(reader) } ?? .standard
        let processing = try readProtocol(try top.required("protocol"))
        let invariants = try readInvariants(try top.required("invariants"), processing: processing)

        var hash = ContentHash()
        hash.add(bytes: text.utf8)
        return Scenario(
            name: name, summary: summary, seedSystem: seedSystem, workload: workload, faults: faults, delivery: delivery,
            tables: processing.tables, handler: processing.machine, onError: processing.onError, invariants: invariants,
            source: ScenarioSource(path: file, contentHash: hash.value)
        )
    }

    private static func readWorkload(_ reader: YAMLReader) throws(ScenarioError) -> Workload {
        let map = try reader.mapping(allowed: [
            "messages", "deliveries-per-message", "concurrent-deliveries", "concurrency-cap", "latency-budget-millis",
        ])
        let messages = try map.required("messages").int(in: 1...10_000_000)
        let deliveriesReader = try map.required("deliveries-per-message")
        let deliveries = try deliveriesReader.int(in: 1...100)
        let concurrentReader = try map.required("concurrent-deliveries")
        let concurrent = try concurrentReader.int(in: 1...100)
        guard concurrent <= deliveries else {
            throw concurrentReader.error("`concurrent-deliveries` (\(concurrent)) cannot exceed `deliveries-per-message` (\(deliveries))")
        }
        return Workload(
            messages: messages, deliveriesPerMessage: deliveries, concurrentDeliveries: concurrent,
            concurrencyCap: try map.optional("concurrency-cap")?.int(in: 1...1_024),
            latencyBudgetMillis: try map.optional("latency-budget-millis")?.int(in: 1...3_600_000)
        )
    }

    private static func readFaults(_ reader: YAMLReader) throws(ScenarioError) -> FaultProfile {
        let map = try reader.mapping(allowed: FaultKind.allCases.map(\.rawValue))
        var profile = FaultProfile()
        for (kindName, _, kindReader) in map.values {
            let kind = FaultKind(rawValue: kindName)!  // the mapping only admits these names
            let points = try kindReader.mapping(allowed: InjectionPoint.allCases.map(\.rawValue))
            for (pointName, _, value) in points.values {
                let point = InjectionPoint(rawValue: pointName)!  // the mapping only admits these names
                profile[kind, point] = try readRule(value, kind: kind)
            }
        }
        return profile
    }

    private static func readRule(_ reader: YAMLReader, kind: FaultKind) throws(ScenarioError) -> FaultRule {
        var allowed = ["probability"]
        if kind.takesDuration { allowed += ["min-millis", "max-millis"] }
        if kind == .storeError { allowed.append("error") }
        let rule = try reader.mapping(allowed: allowed)
        let probability = try rule.required("probability").double(in: 0...1)
        var low = 0, high = 0
        if kind.takesDuration {
            low = try rule.required("min-millis").int(in: 0...3_600_000)
            let highReader = try rule.required("max-millis")
            high = try highReader.int(in: 0...3_600_000)
            guard low <= high else { throw highReader.error("`max-millis` (\(high)) is below `min-millis` (\(low))") }
        }
        let storeError = kind == .storeError ? try rule.required("error").choice(InjectedStoreError.self) : nil
        return FaultRule(probability: probability, minMillis: low, maxMillis: high, storeError: storeError)
    }

    /// A preset's defaults, with any of its knobs overridden.
    private static func readDelivery(_ reader: YAMLReader) throws(ScenarioError) -> DeliveryPolicy {
        let map = try reader.mapping(allowed: [
            "preset", "visibility-timeout-millis", "max-receive-count", "retry-delay-millis", "subscribers",
        ])
        let preset = try map.required("preset").choice(DeliveryPolicy.Preset.self)
        var policy = DeliveryPolicy.defaults(for: preset)
        if let value = map.optional("visibility-timeout-millis") { policy.visibilityTimeoutMillis = try value.int(in: 1...86_400_000) }
        if let value = map.optional("max-receive-count") { policy.maxReceiveCount = try value.int(in: 1...1_000) }
        if let value = map.optional("retry-delay-millis") { policy.retryDelayMillis = try value.int(in: 0...86_400_000) }
        if let value = map.optional("subscribers") { policy.subscribers = try value.int(in: 1...64) }
        return policy
    }

    /// A file's `protocol:` section: the tables, the step machine and what to do after a failure.
    private struct ProcessingProtocol {
        var tables: ScenarioTables
        var machine: StepMachine
        var onError: ErrorHandling
        var dialects: Set<Dialect> { Set(tables.schema.keys) }
    }

    private static func readProtocol(_ reader: YAMLReader) throws(ScenarioError) -> ProcessingProtocol {
        let map = try reader.mapping(allowed: ["schema", "publish", "transaction", "steps", "dead-letter", "on-error"])
        let schemaReader = try map.required("schema")
        let schema = try readDialectText(schemaReader)
        let dialects = Set(schema.keys)
        let publish = try map.optional("publish").map { reader throws(ScenarioError) in
            try readTemplates(reader, dialects: dialects, allowed: [.message])
        } ?? [:]
        let transaction = try map.optional("transaction")?.choice(IsolationLevel.self)
        let deadLetter = try map.optional("dead-letter").map { reader throws(ScenarioError) in
            try readTemplates(reader, dialects: dialects, allowed: [.message, .worker, .attempt, .copy, .subscriber, .seed])
        } ?? [:]
        let stepReaders = try map.required("steps").sequence()
        guard !stepReaders.isEmpty else { throw reader.error("`protocol.steps` is empty; expected at least one step") }
        var pending: [PendingStep] = []
        for stepReader in stepReaders {
            let step = try readStep(stepReader, dialects: dialects)
            guard !pending.contains(where: { $0.name == step.name }) else {
                throw stepReader.error("two steps are named `\(step.name)`; step names must be unique")
            }
            pending.append(step)
        }
        let steps = try resolveJumps(pending)
        let onError = try map.optional("on-error")?.choice(ErrorHandling.self) ?? .nack
        return ProcessingProtocol(
            tables: ScenarioTables(schema: schema, publish: publish, deadLetter: deadLetter),
            machine: StepMachine(steps: steps, isolation: transaction), onError: onError
        )
    }

    private static func readStep(_ reader: YAMLReader, dialects: Set<Dialect>) throws(ScenarioError) -> PendingStep {
        let map = try reader.mapping(allowed: ["name", "role", "sql", "success", "on-success", "on-failure"])
        let nameReader = try map.required("name")
        let name = try nameReader.string()
        guard !HistoryEvent.Subject.all.contains(name) else {
            throw nameReader.error("`\(name)` is reserved for the history; choose another step name")
        }
        return PendingStep(
            name: name,
            role: try map.required("role").choice(StepRole.self),
            sql: try readTemplates(try map.required("sql"), dialects: dialects, allowed: Set(ParameterName.allCases)),
            success: try map.required("success").choice(SuccessCondition.self),
            onSuccess: try readAction(map.required("on-success")),
            onFailure: try readAction(map.required("on-failure"))
        )
    }

    /// `next`, `done`, `skip`, `fail`, or `goto STEP`; a goto's target is resolved once every
    /// step is read (`resolveJumps`), and held as a placeholder until then.
    private static func readAction(_ reader: YAMLReader) throws(ScenarioError) -> PendingAction {
        let text = try reader.string()
        if let action = StepAction(name: text) { return PendingAction(action: action, target: nil, reader: reader) }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2, words[0] == "goto" else {
            let hint = Suggestion.closest(to: text, among: StepAction.names).map { "; did you mean `\($0)`?" } ?? ""
            throw reader.error("expected one of next, done, skip, fail or `goto STEP` at `\(reader.path)`, got \"\(text)\"\(hint)")
        }
        return PendingAction(action: .next, target: String(words[1]), reader: reader)
    }

    private static func readInvariants(_ reader: YAMLReader, processing: ProcessingProtocol) throws(ScenarioError) -> [InvariantSpec] {
        let entries = try reader.sequence()
        guard !entries.isEmpty else { throw reader.error("`invariants` is empty; a scenario must check something") }
        let plainNames = InvariantSpec.plain.map(\.name)
        let builtIn = plainNames + ["no-duplicate-submissions", "sql"]
        var invariants: [InvariantSpec] = []
        for entry in entries {
            let invariant: InvariantSpec
            if case .scalar = entry.node {
                let name = try entry.string()
                guard let plain = InvariantSpec.plain.first(where: { $0.name == name }) else {
                    let hint = Suggestion.closest(to: name, among: builtIn).map { "; did you mean `\($0)`?" } ?? ""
                    let form = name == "no-duplicate-submissions" || name == "sql" ? " (`\(name)` needs settings: see scenarios/README.md)" : ""
                    throw entry.error("unknown invariant `\(name)`\(hint)\(form); expected \(plainNames.joined(separator: ", ")), no-duplicate-submissions: {table, key} or sql: {name, query}")
                }
                if plain == .exactlyOneClaim, !processing.machine.protocolSteps.contains(where: { $0.role == .claim }) {
                    throw entry.error("`exactly-one-claim` needs a step with `role: claim`")
                }
                if plain == .everySkipBacked, !processing.machine.protocolSteps.contains(where: { $0.onSuccess == .skip || $0.onFailure == .skip }) {
                    throw entry.error("`every-skip-backed` needs a step that can `skip`")
                }
                invariant = plain
            } else {
                let map = try entry.mapping(allowed: ["no-duplicate-submissions", "sql"])
                guard map.entries.count == 1, let (key, _, value) = map.values.first else {
                    throw entry.error("expected one invariant per list item")
                }
                if key == "sql" {
                    let settings = try value.mapping(allowed: ["name", "query"])
                    let name = try settings.required("name").string()
                    let query = try readTemplates(try settings.required("query"), dialects: processing.dialects, allowed: [])
                    invariant = .sql(name: name, query: query)
                } else {
                    let settings = try value.mapping(allowed: ["table", "key"])
                    invariant = .noDuplicateSubmissions(
                        table: try identifier(settings.required("table")),
                        key: try identifier(settings.required("key"))
                    )
                }
            }
            guard !invariants.contains(invariant) else { throw entry.error("invariant `\(invariant.name)` is listed twice") }
            invariants.append(invariant)
        }
        return invariants
    }

    /// Table and column names are spliced into checker SQL (identifiers cannot be bound), so only
    /// plain identifiers pass.
    private static func identifier(_ reader: YAMLReader) throws(ScenarioError) -> String {
        let text = try reader.string()
        let valid = text.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        guard valid else { throw reader.error("expected a plain SQL identifier (letters, digits, `_`), got \"\(text)\"") }
        return text
    }

    private static func readDialectText(_ reader: YAMLReader) throws(ScenarioError) -> [Dialect: String] {
        let map = try reader.mapping(allowed: Dialect.builtIn.map(\.rawValue))
        var texts: [Dialect: String] = [:]
        for (key, _, value) in map.values {
            texts[Dialect(rawValue: key)] = try value.string()  // the mapping only admits dialect names
        }
        guard !texts.isEmpty else { throw reader.error("expected SQL for at least one dialect (sqlite, postgres)") }
        return texts
    }

    /// SQL per dialect with `:name` parameters; every dialect the schema has must be present.
    private static func readTemplates(
        _ reader: YAMLReader, dialects: Set<Dialect>, allowed: Set<ParameterName>
    ) throws(ScenarioError) -> [Dialect: SQLTemplate] {
        let map = try reader.mapping(allowed: Dialect.builtIn.map(\.rawValue))
        var templates: [Dialect: SQLTemplate] = [:]
        for (key, _, value) in map.values {
            let dialect = Dialect(rawValue: key)  // the mapping only admits dialect names
            guard dialects.contains(dialect) else {
                throw value.error("SQL for `\(key)` but the schema has none for it; add `protocol.schema.\(key)` or remove this")
            }
            let text = try value.string()
            let template: SQLTemplate
            switch Result(catching: { () throws(SQLTemplate.ParseError) in try SQLTemplate(text) }) {
            case .success(let parsed):
                template = parsed
            case .failure(.unknownParameter(let name)):
                let names = ParameterName.allCases.map { ":\($0.rawValue)" }.joined(separator: ", ")
                throw value.error("unknown parameter `:\(name)`; expected one of \(names)")
            }
            if let stray = template.parameters.first(where: { !allowed.contains($0) }) {
                let permitted = allowed.isEmpty ? "none" : allowed.map { ":\($0.rawValue)" }.sorted().joined(separator: ", ")
                throw value.error("parameter `:\(stray.rawValue)` is not available here; available: \(permitted)")
            }
            templates[dialect] = template
        }
        for dialect in dialects.sorted(by: { $0.rawValue < $1.rawValue }) where templates[dialect] == nil {
            throw reader.error("missing `\(dialect.rawValue)` SQL: the schema is written for \(dialect.rawValue), so every statement must be")
        }
        return templates
    }

    private static func resolveJumps(_ pending: [PendingStep]) throws(ScenarioError) -> [ProtocolStep] {
        var steps: [ProtocolStep] = []
        for (index, step) in pending.enumerated() {
            func resolve(_ action: PendingAction) throws(ScenarioError) -> StepAction {
                guard let target = action.target else { return action.action }
                guard let targetIndex = pending.firstIndex(where: { $0.name == target }) else {
                    throw action.reader.error("`goto \(target)`: no step is named `\(target)`")
                }
                guard targetIndex > index else {
                    throw action.reader.error("`goto \(target)` jumps back: only later steps can be targets, so no delivery loops")
                }
                return .jump(to: targetIndex)
            }
            steps.append(ProtocolStep(
                name: step.name, role: step.role, sql: step.sql, success: step.success,
                onSuccess: try resolve(step.onSuccess), onFailure: try resolve(step.onFailure)
            ))
        }
        return steps
    }

    private static func syntaxError(_ error: any Error, file: String) -> ScenarioError {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return ScenarioError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                return ScenarioError(file: file, line: context.mark.line, column: context.mark.column,
                                     message: "duplicate keys \(duplicates.joined(separator: ", "))")
            default:
                break
            }
        }
        return ScenarioError(file: file, message: "YAML syntax: \(error)")
    }
}

/// A step as read, before its `goto`s are resolved to step indices.
private struct PendingStep {
    var name: String
    var role: StepRole
    var sql: [Dialect: SQLTemplate]
    var success: SuccessCondition
    var onSuccess: PendingAction
    var onFailure: PendingAction
}

private struct PendingAction {
    var action: StepAction
    var target: String?
    var reader: YAMLReader
}
