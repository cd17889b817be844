/// A value a report or a file keeps in its command-line spelling (`"rate:50"`,
/// `"latency=mild,crash@before-ack=4"`): encoded as its description, decoded by its parser.
protocol SpelledAsText: Codable, CustomStringConvertible {
    init(parsing text: String) throws
}

extension SpelledAsText {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }
}

extension Formatting {
    /// `50`, `2.5`: a whole number without its `.0`.
    static func plainNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
