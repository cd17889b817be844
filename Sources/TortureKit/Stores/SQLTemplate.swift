/// SQL written with `:name` parameters, rewritten once into the placeholder style of a dialect
/// (`?1` for SQLite, `$1` for PostgreSQL). A name used twice binds the same slot. A `let` name is
/// an SQL expression written once: it is placed in parentheses wherever `:name` appears, and its
/// own parameters are bound like any other.
public struct SQLTemplate: Sendable, Hashable {
    /// The parsed parts live in one object, so a template passed from step to store is one
    /// reference to count, not five (this is on the path of every statement a run executes).
    final class Parts: Sendable {
        let source: String
        let sqliteText: String
        let postgresText: String
        let parameters: [ParameterName]
        let segments: [Segment]
        let usesNow: Bool

        init(source: String, segments: [Segment], parameters: [ParameterName]) {
            self.source = source
            self.segments = segments
            self.sqliteText = SQLTemplate.render(segments) { "?\($0)" }
            self.postgresText = SQLTemplate.render(segments) { "$\($0)" }
            self.parameters = parameters
            self.usesNow = parameters.contains(.now)
        }
    }

    let parts: Parts

    public var source: String { parts.source }
    /// The text with numbered placeholders; slot `i` (from 1) binds `parameters[i - 1]`.
    public var sqliteText: String { parts.sqliteText }
    public var postgresText: String { parts.postgresText }
    public var parameters: [ParameterName] { parts.parameters }
    /// The text between placeholders, and each placeholder's slot.
    public var segments: [Segment] { parts.segments }
    /// `:now` is read from the clock only for statements that bind it.
    public var usesNow: Bool { parts.usesNow }

    public static func == (lhs: SQLTemplate, rhs: SQLTemplate) -> Bool {
        lhs.parts === rhs.parts || (lhs.source == rhs.source && lhs.segments == rhs.segments && lhs.parameters == rhs.parameters)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(segments)
    }

    public enum Segment: Sendable, Hashable {
        case text(String)
        case slot(Int)
    }

    public enum ParseError: Error, Equatable {
        /// `:name` is neither built in, a `let`, nor `step.column`; `let` names the `let` it was in.
        case unknownParameter(String, inLet: String? = nil)
        /// Lets that name each other in a circle, in the order they were entered.
        case letCycle([String])
    }

    public init(_ source: String, lets: [String: String] = [:]) throws(ParseError) {
        var tokens: [Token] = []
        try Self.tokenize(source, lets: lets, entered: [], into: &tokens)
        var parameters: [ParameterName] = []
        var segments: [Segment] = []
        var literal = ""
        for token in tokens {
            switch token {
            case .text(let text):
                literal += text
            case .parameter(let parameter):
                let slot: Int
                if let existing = parameters.firstIndex(of: parameter) {
                    slot = existing + 1
                } else {
                    parameters.append(parameter)
                    slot = parameters.count
                }
                if !literal.isEmpty { segments.append(.text(literal)) }
                literal = ""
                segments.append(.slot(slot))
            }
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        let slots = Set(segments.compactMap { if case .slot(let slot) = $0 { slot } else { nil } })
        assert(slots == Set(parameters.indices.map { $0 + 1 }), "every parameter has a slot and every slot binds a parameter")
        assert(Set(parameters).count == parameters.count, "a parameter named twice binds one slot")
        parts = Parts(source: source, segments: segments, parameters: parameters)
    }

    /// The text with each slot written by `placeholder` (given the slot, from 1): how a store
    /// of another dialect renders the same template.
    public func text(placeholder: (Int) -> String) -> String {
        Self.render(segments, placeholder: placeholder)
    }

    /// The step values the statement binds.
    public var stepColumns: [StepColumn] { parameters.compactMap(\.stepColumn) }

    private enum Token {
        case text(String)
        case parameter(ParameterName)
    }

    private static func tokenize(_ source: String, lets: [String: String], entered: [String], into tokens: inout [Token]) throws(ParseError) {
        let characters = Array(source)
        var literal = ""
        var index = 0
        var quote: Character?
        func flush() {
            if !literal.isEmpty { tokens.append(.text(literal)) }
            literal = ""
        }
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
                literal.append(character)
                index += 1
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
            } else if character == ":", index + 1 < characters.count, characters[index + 1] == ":" {
                // PostgreSQL's `::type` cast, not a parameter.
                literal += "::"
                index += 2
                continue
            } else if character == ":", index + 1 < characters.count, characters[index + 1].isIdentifierStart {
                var end = index + 1
                while end < characters.count, characters[end].isIdentifierBody { end += 1 }
                let name = String(characters[(index + 1)..<end])
                flush()
                if end + 1 < characters.count, characters[end] == ".", characters[end + 1].isIdentifierStart {
                    var columnEnd = end + 1
                    while columnEnd < characters.count, characters[columnEnd].isIdentifierBody { columnEnd += 1 }
                    let column = String(characters[(end + 1)..<columnEnd])
                    tokens.append(.parameter(.stepValue(StepColumn(step: name, column: column))))
                    index = columnEnd
                    continue
                }
                if let builtIn = ParameterName(builtIn: name) {
                    tokens.append(.parameter(builtIn))
                } else if let expression = lets[name] {
                    guard !entered.contains(name) else { throw .letCycle(entered + [name]) }
                    tokens.append(.text("("))
                    try tokenize(expression, lets: lets, entered: entered + [name], into: &tokens)
                    tokens.append(.text(")"))
                } else {
                    throw .unknownParameter(name, inLet: entered.last)
                }
                index = end
                continue
            }
            literal.append(character)
            index += 1
        }
        flush()
    }

    fileprivate static func render(_ segments: [Segment], placeholder: (Int) -> String) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let literal): text += literal
            case .slot(let slot): text += placeholder(slot)
            }
        }
        return text
    }
}

extension Character {
    var isIdentifierStart: Bool { self == "_" || (isASCII && isLetter) }
    var isIdentifierBody: Bool { isIdentifierStart || (isASCII && isNumber) }
}
