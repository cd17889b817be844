import Foundation

/// Reads SQL the way a scenario writes it once: one text for every dialect (`sql: UPDATE …`),
/// or a mapping with a `default` and only the dialects that differ (`{default: …, sqlite: …}`),
/// or every dialect on its own. The same text written twice is refused: say it once.
struct SQLReader {
    let dialects: Set<Dialect>
    /// `protocol.let`: name → SQL expression, placed wherever `:name` appears.
    let lets: [String: String]
    /// Where each piece of SQL is written, and the warnings about it.
    let notes: SourceNotes

    static let defaultKey = "default"

    /// The dialects a schema is written for: every built-in one when it is one text or has a
    /// `default`, else those it names.
    static func schema(_ reader: YAMLReader, notes: SourceNotes) throws(ScenarioError) -> [Dialect: String] {
        var reading = SQLReader(dialects: Set(Dialect.builtIn), lets: [:], notes: notes)
        if !reader.isScalar {
            let map = try reader.mapping(allowed: Dialect.builtIn.map(\.rawValue) + [defaultKey])
            if map.optional(defaultKey) == nil {
                let named = Set(map.entries.map(\.key).map(Dialect.init(rawValue:)))
                guard !named.isEmpty else { throw reader.error("expected SQL for at least one dialect (sqlite, postgres)") }
                reading = SQLReader(dialects: named, lets: [:], notes: notes)
            }
        }
        var schema: [Dialect: String] = [:]
        for (dialect, entry) in try reading.texts(reader) {
            notes.record(.schema, dialect, at: entry.reader)
            notes.warnAboutSchemaEscapes(entry.text, dialect: dialect, at: entry.reader)
            schema[dialect] = entry.text
        }
        return schema
    }

    /// Each dialect's text, and the reader of the node it came from (for error positions).
    func texts(_ reader: YAMLReader) throws(ScenarioError) -> [Dialect: (text: String, reader: YAMLReader)] {
        let ordered = dialects.sorted { $0.rawValue < $1.rawValue }
        if reader.isScalar {
            let text = try reader.string()
            return Dictionary(uniqueKeysWithValues: ordered.map { ($0, (text, reader)) })
        }
        let map = try reader.mapping(allowed: Dialect.builtIn.map(\.rawValue) + [Self.defaultKey])
        var texts: [Dialect: (text: String, reader: YAMLReader)] = [:]
        let fallback = try map.optional(Self.defaultKey).map { value throws(ScenarioError) in (try value.string(), value) }
        for (key, _, value) in map.values where key != Self.defaultKey {
            let dialect = Dialect(rawValue: key)  // the mapping only admits dialect names
            guard dialects.contains(dialect) else {
                throw value.error("SQL for `\(key)` but the schema has none for it; add it to `protocol.schema` or remove this")
            }
            let text = try value.string()
            if let fallback, Self.same(text, fallback.0) {
                throw value.error("the `\(key)` SQL is the same as `default`; remove it: `default` already covers \(key)")
            }
            texts[dialect] = (text, value)
        }
        if let fallback {
            guard texts.count < dialects.count else {
                throw fallback.1.error("`default` is never used: every dialect (\(ordered.map(\.rawValue).joined(separator: ", "))) has its own SQL")
            }
            for dialect in ordered where texts[dialect] == nil { texts[dialect] = fallback }
        }
        for dialect in ordered where texts[dialect] == nil {
            throw reader.error("missing `\(dialect.rawValue)` SQL: the schema is written for \(dialect.rawValue), so every statement must be (or give a `default`)")
        }
        if fallback == nil, texts.count > 1, let first = texts.values.first, texts.values.allSatisfy({ Self.same($0.text, first.text) }) {
            throw reader.error("the same SQL for \(ordered.map(\.rawValue).joined(separator: " and ")): write it once, as one text")
        }
        return texts
    }

    /// Each dialect's statement — exactly one — with every parameter checked against what
    /// `scope` admits.
    func templates(_ reader: YAMLReader, scope: ParameterScope, site: SQLSite) throws(ScenarioError) -> [Dialect: SQLTemplate] {
        var templates: [Dialect: SQLTemplate] = [:]
        for (dialect, entry) in try texts(reader).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            // PostgreSQL refuses a prepared statement with two commands; SQLite would silently run
            // only the first. Either way the scenario would not do what it says.
            let statements = SQLTokens(entry.text).statementCount
            guard statements <= 1 else {
                throw entry.reader.error("\(site.words) (\(dialect.rawValue)) holds \(statements) statements; a step, query or publish runs "
                    + "exactly one. Split it into separate steps, or join them into one statement")
            }
            notes.record(site, dialect, at: entry.reader)
            notes.warnAboutSchemaEscapes(entry.text, dialect: dialect, at: entry.reader)
            templates[dialect] = try template(entry.text, at: entry.reader, scope: scope)
        }
        return templates
    }

    func template(_ text: String, at reader: YAMLReader, scope: ParameterScope) throws(ScenarioError) -> SQLTemplate {
        let template: SQLTemplate
        switch Result(catching: { () throws(SQLTemplate.ParseError) in try SQLTemplate(text, lets: lets) }) {
        case .success(let parsed):
            template = parsed
        case .failure(.unknownParameter(let name, let inLet)):
            let known = ParameterName.builtIn.map(\.spelling) + lets.keys.sorted()
            let hint = Suggestion.closest(to: name, among: known).map { "; did you mean `:\($0)`?" } ?? ""
            let within = inLet.map { " (in `let: \($0)`)" } ?? ""
            throw reader.error("unknown parameter `:\(name)`\(within)\(hint); expected a built-in parameter (\(ParameterName.builtIn.map { ":\($0.spelling)" }.joined(separator: ", "))), a `let` name, or `:step.column`")
        case .failure(.letCycle(let names)):
            throw reader.error("lets name each other in a circle: \(names.joined(separator: " → "))")
        }
        for parameter in template.parameters {
            if let problem = scope.problem(with: parameter) { throw reader.error(problem) }
        }
        return template
    }

    private static func same(_ left: String, _ right: String) -> Bool {
        left.trimmingCharacters(in: .whitespacesAndNewlines) == right.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
