/// A scenario's own query over the final store: every row it returns is a witness.
public struct SQLChecker: Checker {
    public let name: String
    public let query: SQLTemplate

    public init(name: String, query: SQLTemplate) {
        self.name = name
        self.query = query
    }

    public var invariant: String { "sql:\(name)" }

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let result = try input.store.execute(query, .forChecks)
        var witnesses = WitnessList()
        for row in result.rows {
            witnesses.append(Self.witness(row, columns: result.columns))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    private static func witness(_ row: [SQLValue], columns: [String]) -> Witness {
        let values = row.map(\.description)
        let message = values.first.flatMap { Names.messageIndex($0) != nil ? $0 : nil }
        return Witness(message: message, workers: [], events: [], text: describe(values, columns: columns))
    }

    /// `row (message_id = m-00000, count = 2)`: a bare tuple means nothing to whoever did not write the query.
    static func describe(_ values: [String], columns: [String]) -> String {
        let pairs = values.enumerated().map { index, value in
            index < columns.count ? "\(columns[index]) = \(value)" : value
        }
        return "row (\(pairs.joined(separator: ", ")))"
    }
}
