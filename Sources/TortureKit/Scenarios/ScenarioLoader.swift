import Foundation

/// Reads and validates a scenario file. Anything wrong is a `ScenarioError` naming file and line;
/// nothing is defaulted silently.
public enum ScenarioLoader {
    public static func load(path: String, sources: ScenarioSources = .files) throws(ScenarioError) -> Scenario {
        if let builtIn = BuiltInScenarios.text(atPath: path) { return try parse(builtIn, file: path, sources: sources) }
        return try parse(try ScenarioText.read(path: path), file: path, sources: sources)
    }

    /// `sources` says where `extends: NAME` finds its base (default: `NAME.yaml` next to `file`).
    public static func parse(_ text: String, file: String, sources: ScenarioSources = .files) throws(ScenarioError) -> Scenario {
        guard let parsed = try ScenarioYAML.compose(text, file: file) else {
            throw ScenarioError(file: file, line: 1, message: "the file is empty; expected a scenario mapping")
        }
        let (root, baseTexts) = try ScenarioInheritance.resolve(parsed, sources: sources)
        let top = try YAMLReader(node: root, path: "")
            .mapping(allowed: ["name", "summary", "description", "seed-system", "extends", "workload", "delivery", "faults", "protocol", "actors", "invariants",
                             "sometimes", "until", "simulated-latency", "handler"])

        let nameReader = try top.required("name")
        let name = try nameReader.string()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw nameReader.error("expected a name of letters, digits, `-` and `_`, got \"\(name.prefix(80))\(name.count > 80 ? "…" : "")\"")
        }
        // The name becomes a folder of every report; file systems stop at 255 bytes a name.
        guard name.count <= Scenario.nameLengthLimit else {
            throw nameReader.error("the name has \(name.count) characters; at most \(Scenario.nameLengthLimit), since reports are filed under it")
        }
        let notes = SourceNotes(file: file)
        let description = try top.required("description").string()
        let summary = try ScenarioSummary.read(top.optional("summary"), description: description)
        let seedSystem = try top.optional("seed-system")?.string()
        let workload = try readWorkload(try top.required("workload"))
        let faults = try top.optional("faults").map { reader throws(ScenarioError) in try readFaults(reader) } ?? .none
        let delivery = try top.optional("delivery").map { reader throws(ScenarioError) in try readDelivery(reader) } ?? .standard
        let latency = try top.optional("simulated-latency").map { reader throws(ScenarioError) in try SimulatedLatencyReader.read(reader) }
        let process = try top.optional("handler").map { reader throws(ScenarioError) in try HandlerReader.read(reader) }
        var processing = try ProcessingProtocol.read(try top.required("protocol"), notes: notes, process: process)
        let actors = try top.optional("actors").map { reader throws(ScenarioError) in
            try ActorReader.read(reader, sql: processing.sql, scenarioFaults: faults)
        } ?? []
        let invariants = try InvariantReader.read(try top.required("invariants"), processing: processing)
        let sometimes = try top.optional("sometimes").map { reader throws(ScenarioError) in
            try SometimesReader.read(reader, sql: processing.sql)
        } ?? []
        let until = try top.optional("until").map { reader throws(ScenarioError) in
            try UntilReader.read(reader, sql: processing.sql, actors: actors)
        }
        let checked = Set(invariants.flatMap(\.stepColumns).map(\.step))
        if !checked.isEmpty {
            processing.machine = StepMachine(
                steps: StepReader.keeping(checked, in: processing.machine.protocolSteps), isolation: processing.machine.isolation)
        }

        var hash = ContentHash()
        hash.add(bytes: text.utf8)
        for base in baseTexts { hash.add(base) }
        let handler: any DeliveryHandler = process ?? processing.machine
        return Scenario(
            name: name, summary: summary, description: description, seedSystem: seedSystem, workload: workload, faults: faults, delivery: delivery,
            tables: processing.tables, handler: handler, onError: processing.onError, actors: actors,
            invariants: invariants, sometimes: sometimes, until: until, simulatedLatency: latency, source: ScenarioSource(path: file, contentHash: hash.value, sqlLines: notes.lines, sqlFiles: notes.files),
            warnings: notes.warnings
        )
    }

    private static func readWorkload(_ reader: YAMLReader) throws(ScenarioError) -> Workload {
        let map = try reader.mapping(allowed: [
            "messages", "deliveries-per-message", "concurrent-deliveries", "concurrency-cap", "latency-budget-millis", "arrival",
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
            latencyBudgetMillis: try map.optional("latency-budget-millis")?.int(in: 1...3_600_000),
            arrival: try map.optional("arrival").map(ArrivalReader.read) ?? .allAtOnce
        )
    }

    static func readFaults(_ reader: YAMLReader) throws(ScenarioError) -> FaultProfile {
        let map = try reader.mapping(allowed: FaultKind.allCases.map(\.rawValue))
        var profile = FaultProfile()
        for (kindName, _, kindReader) in map.values {
            let kind = FaultKind(rawValue: kindName)!  // the mapping only admits these names
            let points = try kindReader.mapping(allowed: InjectionPoint.allCases.map(\.rawValue))
            for (pointName, pointKey, value) in points.values {
                let point = InjectionPoint(rawValue: pointName)!  // the mapping only admits these names
                if let allowed = kind.allowedPoints, !allowed.contains(point) {
                    throw pointKey.error("`\(kind.rawValue)` cannot fire at `\(point.rawValue)`; it fires at "
                        + allowed.map { "`\($0.rawValue)`" }.joined(separator: ", ")
                        + (point.isWireOnly ? " (`\(point.rawValue)` is the wire proxy's: delay, stall, reset, sql-error)" : ""))
                }
                profile[kind, point] = try readRule(value, kind: kind)
            }
        }
        return profile
    }

    private static func readRule(_ reader: YAMLReader, kind: FaultKind) throws(ScenarioError) -> FaultRule {
        var allowed = ["probability"]
        if kind.takesDuration { allowed += ["min-millis", "max-millis"] }
        if kind == .storeError { allowed.append("error") }
        if kind == .sqlError { allowed.append("sqlstate") }
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
        var sqlState: String?
        if kind == .sqlError {
            let stateReader = try rule.required("sqlstate")
            let state = stateReader.node.scalarText ?? ""
            guard state.count == 5, state.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
                throw stateReader.error("expected a SQLSTATE of five digits or capitals (40001 serialization failure, 40P01 deadlock, "
                    + "57014 cancel, 08006 connection failure), got \(stateReader.node.shortDescription)")
            }
            sqlState = state
        }
        return FaultRule(probability: probability, minMillis: low, maxMillis: high, storeError: storeError, sqlState: sqlState)
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
}
