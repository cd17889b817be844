internal import CYaml

/// A scenario's YAML composed straight from libyaml's events into `ScenarioNode`s, refused at the
/// first alias or past `ScenarioInputLimits`' nodes, depth or scalar size. Yams composed first
/// and expanded every alias before anything could look, so a 300-byte file of nested aliases cost
/// 35 s and 7 GB before it was refused; and it resolves each scalar's tag with a regular
/// expression, ~15 µs a node in a debug build, which the scenario format never reads. Events come
/// one at a time, so a refusal costs what the bytes before it cost.
enum YAMLComposer {
    /// The one document's root; nil when the text holds none (only comments, or nothing).
    static func compose(_ text: String, file: String) throws(ScenarioError) -> ScenarioNode? {
        // libyaml keeps pointers into its parser: it must not move while it works.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { throw ScenarioError(file: file, message: "cannot read YAML: out of memory") }
        defer { yaml_parser_delete(parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ScenarioError) -> ScenarioNode? in
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var events = YAMLEvents(parser: parser, file: file)
            return try events.document()
        }
    }
}

/// One pass over the events, counting what it has composed.
private struct YAMLEvents {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let file: String
    var nodes = 0
    var depth = 0

    struct Event {
        var type: yaml_event_type_t
        var line: Int
        var column: Int
        /// A scalar's text, or an alias's anchor.
        var text = ""
        var plain = false
    }

    static let tooDeep = "lists and mappings are nested more than \(ScenarioInputLimits.depth) deep; a scenario needs a few levels"

    init(parser: UnsafeMutablePointer<yaml_parser_t>, file: String) {
        self.parser = parser
        self.file = file
    }

    mutating func document() throws(ScenarioError) -> ScenarioNode? {
        _ = try next()  // the stream's start
        guard try next().type == YAML_DOCUMENT_START_EVENT else { return nil }
        let root = try node(try next())
        _ = try next()  // the document's end
        let after = try next()
        guard after.type == YAML_STREAM_END_EVENT else {
            throw refusal(at: after, "a second YAML document (`---`); a scenario file holds one")
        }
        return root
    }

    private mutating func node(_ event: Event) throws(ScenarioError) -> ScenarioNode {
        nodes += 1
        guard nodes <= ScenarioInputLimits.nodes else {
            throw refusal(at: event, "more than \(ScenarioInputLimits.nodes) values (scalars, lists, mappings) in one scenario file")
        }
        switch event.type {
        case YAML_ALIAS_EVENT:
            throw refusal(at: event, "YAML aliases are not supported (`*\(event.text)`); write the value out (or use `extends:`)")
        case YAML_SCALAR_EVENT:
            return ScenarioNode(kind: .scalar(event.text, plain: event.plain), file: file, line: event.line, column: event.column)
        case YAML_SEQUENCE_START_EVENT:
            try enter(event)
            var elements: [ScenarioNode] = []
            var element = try next()
            while element.type != YAML_SEQUENCE_END_EVENT {
                elements.append(try node(element))
                element = try next()
            }
            depth -= 1
            return ScenarioNode(kind: .sequence(elements), file: file, line: event.line, column: event.column)
        default:  // a mapping's start: the parser emits nothing else where a node stands
            try enter(event)
            var entries: [(key: ScenarioNode, value: ScenarioNode)] = []
            var firstLines: [String: Int] = [:]
            var keyEvent = try next()
            while keyEvent.type != YAML_MAPPING_END_EVENT {
                let key = try node(keyEvent)
                if let text = key.scalarText {
                    if let first = firstLines[text] {
                        throw refusal(at: keyEvent, "key `\(text)` appears twice in this mapping (first on line \(first))")
                    }
                    firstLines[text] = keyEvent.line
                }
                entries.append((key, try node(try next())))
                keyEvent = try next()
            }
            depth -= 1
            return ScenarioNode(kind: .mapping(entries), file: file, line: event.line, column: event.column)
        }
    }

    private mutating func enter(_ event: Event) throws(ScenarioError) {
        depth += 1
        guard depth <= ScenarioInputLimits.depth else { throw refusal(at: event, Self.tooDeep) }
    }

    private func next() throws(ScenarioError) -> Event {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) == 1 else { throw syntaxError() }
        defer { yaml_event_delete(&raw) }
        var event = Event(type: raw.type, line: Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1)
        switch raw.type {
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            guard scalar.length <= ScenarioInputLimits.scalarBytes else {
                throw refusal(at: event, "this value is \(scalar.length) bytes; at most \(ScenarioInputLimits.scalarBytes) (64 KiB) in a scenario file")
            }
            event.text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            event.plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
        case YAML_ALIAS_EVENT:
            event.text = raw.data.alias.anchor.map { String(cString: $0) } ?? ""
        default:
            break
        }
        return event
    }

    private func refusal(at event: Event, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: event.line, column: event.column, message: message)
    }

    /// libyaml's scanner reads ahead of the events (a `[` may open a key), so `[[[[…` reaches its
    /// own nesting limit (1 000) before this walk's.
    private func syntaxError() -> ScenarioError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unreadable YAML"
        let mark = parser.pointee.problem_mark
        let message = problem.hasPrefix("Maximum nesting level") ? Self.tooDeep : "YAML syntax: \(problem)"
        return ScenarioError(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
    }
}
