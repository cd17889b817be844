/// A message's JSON with parameters: a string that is exactly `:message`, `:message_number`,
/// `:copy`, … becomes that value of the delivery (a number stays a number).
public struct BodyTemplate: Sendable, Equatable {
    public var value: JSONValue

    public init(_ value: JSONValue) {
        self.value = value
    }

    /// `{"message_id": ":message"}`: what a body says when the scenario gives none.
    public static let messageIdentity = BodyTemplate(.object([("message_id", .string(":message"))]))

    /// Parameters a body may name.
    public static let parameters: [ParameterName] = [.message, .messageNumber, .attempt, .copy, .subscriber, .lease, .seed]

    /// The `:name` strings that are not parameters; empty for a good template.
    public var unknownParameters: [String] {
        var unknown: [String] = []
        Self.visit(value) { text in
            if let name = Self.parameterName(text), ParameterName(builtIn: name).map(Self.parameters.contains) != true {
                unknown.append(name)
            }
        }
        return unknown
    }

    func rendered(_ parameters: StatementParameters) -> JSONValue {
        Self.render(value, parameters)
    }

    private static func parameterName(_ text: String) -> String? {
        guard text.hasPrefix(":"), text.count > 1, text.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(text.dropFirst())
    }

    private static func visit(_ value: JSONValue, _ body: (String) -> Void) {
        switch value {
        case .string(let text): body(text)
        case .array(let items): items.forEach { visit($0, body) }
        case .object(let members): members.forEach { visit($0.1, body) }
        case .null, .bool, .integer, .number: break
        }
    }

    private static func render(_ value: JSONValue, _ parameters: StatementParameters) -> JSONValue {
        switch value {
        case .string(let text):
            guard let name = parameterName(text), let parameter = ParameterName(builtIn: name) else { return value }
            switch parameters.value(of: parameter) {
            case .null: return .null
            case .integer(let number): return .integer(number)
            case .real(let number): return .number(number)
            case .text(let text): return .string(text)
            case .boolean(let flag): return .bool(flag)
            }
        case .array(let items): return .array(items.map { render($0, parameters) })
        case .object(let members): return .object(members.map { ($0.0, render($0.1, parameters)) })
        case .null, .bool, .integer, .number: return value
        }
    }
}
