/// A YAML node that knows the file, line and column it came from. A twin's tree (`extends:`)
/// mixes its own nodes with its base's, so every complaint still names the file that holds the
/// text it is about.
struct ScenarioNode {
    enum Kind {
        /// `plain`: written without quotes (a number must be, and `~` means nothing only then).
        case scalar(String, plain: Bool)
        case mapping([(key: ScenarioNode, value: ScenarioNode)])
        case sequence([ScenarioNode])
    }

    var kind: Kind
    var file: String
    var line: Int?
    var column: Int?

    init(kind: Kind, file: String, line: Int?, column: Int?) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
    }

    /// `~`, `null` or nothing, unquoted: in a twin, "remove what the base says here".
    var isNull: Bool {
        guard case .scalar(let text, plain: true) = kind else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The value under `key` in a mapping.
    func value(for key: String) -> ScenarioNode? {
        guard case .mapping(let entries) = kind else { return nil }
        return entries.first { $0.key.scalarText == key }?.value
    }

    var shortDescription: String {
        switch kind {
        case .scalar(let text, _):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return text.isEmpty ? "nothing" : "\"\(shown)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}
