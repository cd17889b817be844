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
        let rows = try input.store.execute(query, .forChecks).rows
        let witnesses = rows.map { row in
            let values = row.map(\.description)
            let message = values.first.flatMap { Names.messageIndex($0) != nil ? $0 : nil }
            return Witness(message: message, workers: [], events: [], text: "row (\(values.joined(separator: ", ")))")
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}
