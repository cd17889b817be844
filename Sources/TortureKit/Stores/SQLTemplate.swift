/// The parameters a protocol step may name in its SQL: always bound, never spliced.
public enum ParameterName: String, Sendable, CaseIterable, Codable {
    case message
    case worker
    case attempt
    case copy
    case subscriber
    case lease
    case seed
}

/// The values for one execution of a step.
public struct StatementParameters: Sendable {
    public var message: String
    public var worker: String
    /// The receive number of this copy, from 1.
    public var attempt: Int
    public var copy: Int
    public var subscriber: String
    /// The broker's lease token: unique and increasing over a run, a fencing token.
    public var lease: Int
    public var seed: Seed

    public init(message: String, worker: String, attempt: Int, copy: Int = 1, subscriber: String = "s0", lease: Int = 0, seed: Seed) {
        self.message = message
        self.worker = worker
        self.attempt = attempt
        self.copy = copy
        self.subscriber = subscriber
        self.lease = lease
        self.seed = seed
    }

    public func value(of name: ParameterName) -> SQLValue {
        switch name {
        case .message: .text(message)
        case .worker: .text(worker)
        case .attempt: .integer(Int64(attempt))
        case .copy: .integer(Int64(copy))
        case .subscriber: .text(subscriber)
        case .lease: .integer(Int64(lease))
        case .seed: .text(seed.description)
        }
    }
}

/// SQL written with `:name` parameters, rewritten once into the placeholder style of a dialect
/// (`?1` for SQLite, `$1` for PostgreSQL). A name used twice binds the same slot.
public struct SQLTemplate: Sendable, Hashable {
    public let source: String
    /// The text with numbered placeholders; slot `i` (from 1) binds `parameters[i - 1]`.
    public let sqliteText: String
    public let postgresText: String
    public let parameters: [ParameterName]
    /// The text between placeholders, and each placeholder's slot.
    public let segments: [Segment]

    public enum Segment: Sendable, Hashable {
        case text(String)
        case slot(Int)
    }

    public enum ParseError: Error, Equatable {
        case unknownParameter(String)
    }

    public init(_ source: String) throws(ParseError) {
        var parameters: [ParameterName] = []
        var segments: [Segment] = []
        var literal = ""
        let characters = Array(source)
        var index = 0
        var quote: Character?
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
                guard let parameter = ParameterName(rawValue: name) else { throw .unknownParameter(name) }
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
                index = end
                continue
            }
            literal.append(character)
            index += 1
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        self.segments = segments
        self.source = source
        self.sqliteText = Self.render(segments) { "?\($0)" }
        self.postgresText = Self.render(segments) { "$\($0)" }
        self.parameters = parameters
    }

    /// The text with each slot written by `placeholder` (given the slot, from 1): how a store
    /// of another dialect renders the same template.
    public func text(placeholder: (Int) -> String) -> String {
        Self.render(segments, placeholder: placeholder)
    }

    private static func render(_ segments: [Segment], placeholder: (Int) -> String) -> String {
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
    fileprivate var isIdentifierStart: Bool { self == "_" || (isASCII && isLetter) }
    fileprivate var isIdentifierBody: Bool { isIdentifierStart || (isASCII && isNumber) }
}
