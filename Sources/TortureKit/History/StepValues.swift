/// The first row a step returned, as the history keeps it: so a witness can say "w-03 read 41 and
/// wrote 42". In JSON a list of [column, value] pairs in column order (a value is null, a number,
/// text or a boolean): an object would lose the order.
public struct StepValues: Sendable, Equatable, Codable {
    public var columns: [String]
    public var values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count, "one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value of `column` (compared lowercased, as step references are), or nil.
    public subscript(column: String) -> SQLValue? {
        let wanted = column.lowercased()
        return columns.firstIndex { $0.lowercased() == wanted }.map { values[$0] }
    }

    func hash(into hash: inout ContentHash) {
        for (column, value) in zip(columns, values) {
            hash.add(column)
            hash.add(value.tagged)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var pairs = encoder.unkeyedContainer()
        for (column, value) in zip(columns, values) {
            var pair = pairs.nestedUnkeyedContainer()
            try pair.encode(column)
            switch value {
            case .null: try pair.encodeNil()
            case .integer(let number): try pair.encode(number)
            case .real(let number): try pair.encode(number)
            case .text(let text): try pair.encode(text)
            case .boolean(let flag): try pair.encode(flag)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        var pairs = try decoder.unkeyedContainer()
        var columns: [String] = []
        var values: [SQLValue] = []
        while !pairs.isAtEnd {
            var pair = try pairs.nestedUnkeyedContainer()
            columns.append(try pair.decode(String.self))
            if try pair.decodeNil() {
                values.append(.null)
            } else if let flag = try? pair.decode(Bool.self) {
                values.append(.boolean(flag))
            } else if let number = try? pair.decode(Int64.self) {
                values.append(.integer(number))
            } else if let number = try? pair.decode(Double.self) {
                values.append(.real(number))
            } else {
                values.append(.text(try pair.decode(String.self)))
            }
        }
        self.columns = columns
        self.values = values
    }
}

extension SQLValue {
    /// The value with its kind, so `1` and `'1'` hash apart.
    var tagged: String {
        switch self {
        case .null: "n"
        case .integer(let number): "i\(number)"
        case .real(let number): "r\(number)"
        case .text(let text): "t\(text)"
        case .boolean(let flag): flag ? "b1" : "b0"
        }
    }
}
