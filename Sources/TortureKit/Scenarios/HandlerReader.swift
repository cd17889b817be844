import Foundation

/// A file's `handler:` section: the program that handles each delivery (docs/handler-protocol.md).
enum HandlerReader {
    static func read(_ reader: YAMLReader) throws(ScenarioError) -> ProcessHandler {
        let map = try reader.mapping(allowed: ["command", "event", "timeout-millis", "environment", "body", "poison", "steps", "wire"])
        let commandReader = try map.required("command")
        let command = try commandReader.sequence().map { entry throws(ScenarioError) in try entry.string() }
        guard !command.isEmpty else { throw commandReader.error("`handler.command` names the program and its arguments: give at least the program") }
        let folder = (reader.file as NSString).deletingLastPathComponent
        let workingDirectory = folder.isEmpty ? FileManager.default.currentDirectoryPath
            : HandlerFiles.resolve(folder, in: FileManager.default.currentDirectoryPath)
        let executable = HandlerChild.executable(command[0], in: workingDirectory, path: ProcessInfo.processInfo.environment["PATH"] ?? "")
        guard access(executable, X_OK) == 0 else {
            let place = command[0].contains("/") ? "\(executable) (resolved against the scenario's folder)" : "`\(command[0])` on PATH"
            throw commandReader.error("the handler's program cannot be run: no executable \(place)"
                + (command[0].contains(".venv") ? "; `make deps` makes the project's Python environment" : ""))
        }
        let event = try map.optional("event")?.choice(HandlerEventShape.self) ?? .raw
        let timeout = try map.optional("timeout-millis")?.int(in: 1...900_000) ?? 3_000
        var environment: [(name: String, value: EnvironmentTemplate)] = []
        if let environmentReader = map.optional("environment") {
            for (name, keyReader, value) in try environmentReader.mappingOfAnyKeys() {
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw keyReader.error("an environment variable's name is letters, digits and `_`, not `\(name)`")
                }
                let text: String
                if case .scalar(let scalar, _) = value.node.kind { text = scalar } else { throw value.error("expected text for `\(name)`") }
                do {
                    environment.append((name, try EnvironmentTemplate(text)))
                } catch {
                    throw value.error("\(error.description) in `handler.environment.\(name)`")
                }
            }
        }
        let body = try map.optional("body").map { reader throws(ScenarioError) in try readBody(reader) } ?? .messageIdentity
        var poison: PoisonMessages?
        if let poisonReader = map.optional("poison") {
            let poisonMap = try poisonReader.mapping(allowed: ["every", "body"])
            poison = PoisonMessages(every: try poisonMap.required("every").int(in: 1...10_000_000),
                                    body: try readBody(try poisonMap.required("body")))
        }
        var steps: [HandlerStep] = []
        var statementSteps: [StatementStep] = []
        if let stepsReader = map.optional("steps") {
            for entry in try stepsReader.sequence() {
                let stepMap = try entry.mapping(allowed: ["name", "role", "matches", "success"])
                let nameReader = try stepMap.required("name")
                let name = try nameReader.string()
                guard !steps.contains(where: { $0.name == name }) else { throw nameReader.error("step `\(name)` is declared twice") }
                guard !HistoryEvent.Subject.all.contains(name) else {
                    throw nameReader.error("`\(name)` names a lifecycle event in the history; give the step another name")
                }
                let role = try stepMap.required("role").choice(StepRole.self)
                steps.append(HandlerStep(name, role: role))
                if let matchesReader = stepMap.optional("matches") {
                    let pattern = try matchesReader.string()
                    do {
                        _ = try Regex(pattern)
                    } catch {
                        throw matchesReader.error("`matches` is a regular expression over the statement's text: \(error)")
                    }
                    let success = try stepMap.optional("success")?.choice(SuccessCondition.self) ?? .rowsAffected
                    statementSteps.append(StatementStep(name: name, role: role, pattern: pattern, success: success))
                } else if let successReader = stepMap.optional("success") {
                    throw successReader.error("`success` judges a step named by `matches`; a step the handler reports says ok or fail itself")
                }
            }
        }
        var handler = ProcessHandler(command: command, workingDirectory: workingDirectory, event: event, timeoutMillis: timeout,
                                     environment: environment, body: body, poison: poison, steps: steps)
        handler.wire = try map.optional("wire")?.choice(HandlerWireRoute.self) ?? .proxy
        handler.statementSteps = statementSteps
        return handler
    }

    private static func readBody(_ reader: YAMLReader) throws(ScenarioError) -> BodyTemplate {
        let template = BodyTemplate(try json(reader.node, reader))
        if let unknown = template.unknownParameters.first {
            let names = BodyTemplate.parameters.map { ":" + $0.spelling }
            let hint = Suggestion.closest(to: unknown, among: BodyTemplate.parameters.map(\.spelling)).map { "; did you mean `:\($0)`?" } ?? ""
            throw reader.error("unknown parameter `:\(unknown)` in a handler body\(hint) (a body may use \(names.joined(separator: ", ")))")
        }
        return template
    }

    /// YAML as JSON: a plain scalar is a number, true/false or null when it reads as one.
    private static func json(_ node: ScenarioNode, _ reader: YAMLReader) throws(ScenarioError) -> JSONValue {
        switch node.kind {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if text == "null" || text == "~" || text.isEmpty { return .null }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            if let integer = Int64(text) { return .integer(integer) }
            if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(number) }
            return .string(text)
        case .sequence(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try json(item, YAMLReader(node: item, path: reader.path))) }
            return .array(values)
        case .mapping(let entries):
            var members: [(String, JSONValue)] = []
            for (key, value) in entries {
                guard case .scalar(let name, _) = key.kind else { throw YAMLReader(node: key, path: reader.path).error("expected a plain key in a handler body") }
                members.append((name, try json(value, YAMLReader(node: value, path: reader.path))))
            }
            return .object(members)
        }
    }
}
