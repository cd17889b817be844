/// The 64-bit number a run is a pure function of. Printed and parsed as `0x…` hex; decimal is accepted too.
public struct Seed: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses `12345` or `0x5eed` (any case, `_` separators allowed). Returns nil for anything else.
    public init?(parsing text: String) {
        let trimmed = String(text.trimmingWhitespace().filter { $0 != "_" })
        let lowered = trimmed.lowercased()
        let parsed: UInt64?
        if lowered.hasPrefix("0x") {
            parsed = UInt64(lowered.dropFirst(2), radix: 16)
        } else {
            parsed = UInt64(lowered, radix: 10)
        }
        guard let parsed else { return nil }
        self.value = parsed
    }

    public var description: String { "0x" + String(value, radix: 16) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let seed = Seed(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a seed such as 0x5eed, got \(text)")
        }
        self = seed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
