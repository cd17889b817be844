/// A file's `sometimes:` list: named conditions, each an `sql:` query over the final store or a
/// `history:` predicate, that some run of a soak must reach.
enum SometimesReader {
    static func read(_ reader: YAMLReader, sql: SQLReader) throws(ScenarioError) -> [SometimesCondition] {
        let entries = try reader.sequence()
        guard !entries.isEmpty else { throw reader.error("`sometimes` is empty; leave it out, or name a condition some run must reach") }
        var conditions: [SometimesCondition] = []
        for entry in entries {
            let map = try entry.mapping(allowed: ["name", "sql", "history"])
            let nameReader = try map.required("name")
            let name = try nameReader.string()
            // The name heads lines, JUnit cases and `--require-coverage`'s complaint.
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw nameReader.error("expected a `sometimes` name of letters, digits, `-` and `_`, got \"\(name.prefix(80))\"")
            }
            guard !conditions.contains(where: { $0.name == name }) else {
                throw nameReader.error("two `sometimes` conditions are named `\(name)`; names must be unique")
            }
            let check: SometimesCondition.Check
            switch (map.optional("sql"), map.optional("history")) {
            case (let query?, nil):
                check = .sql(try sql.templates(query, scope: .sometimesQuery, site: .sometimes(name)))
            case (nil, let history?):
                check = .history(try predicate(history))
            case (.some, .some):
                throw entry.error("`sometimes` condition `\(name)` has both `sql` and `history`; give one")
            case (nil, nil):
                throw entry.error("`sometimes` condition `\(name)` needs `sql: QUERY` (reached when it returns a row) or `history: PREDICATE` "
                    + "(one of \(HistoryPredicate.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            conditions.append(SometimesCondition(name: name, check: check))
        }
        return conditions
    }

    private static func predicate(_ reader: YAMLReader) throws(ScenarioError) -> HistoryPredicate {
        let names = HistoryPredicate.allCases.map(\.rawValue)
        guard let text = reader.node.scalarText, let predicate = HistoryPredicate(rawValue: text) else {
            let hint = reader.node.scalarText.flatMap { Suggestion.closest(to: $0, among: names) }.map { "; did you mean `\($0)`?" } ?? ""
            throw reader.error("unknown history predicate \(reader.node.shortDescription) at `\(reader.path)`\(hint); expected one of: "
                + HistoryPredicate.allCases.map { "\($0.rawValue) (\($0.meaning))" }.joined(separator: "; "))
        }
        return predicate
    }
}
