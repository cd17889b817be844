/// `extends: NAME`: a twin states only what differs from its base. The base's tree is merged
/// under the twin's:
/// - a mapping is merged key by key; a key the twin sets to `~` is removed; `summary` is never
///   inherited (the twin states its own description);
/// - SQL (`schema`, `publish`, `dead-letter`, `sql`, `query`) and plain lists (`invariants`) are
///   replaced whole;
/// - `steps` and `actors` are the twin's list, in the twin's order; an entry named like one of the
///   base's inherits every key it does not state, so `- name: process` alone keeps that step.
enum ScenarioInheritance {
    /// Keys whose values replace the base's whole instead of merging into it.
    static let replacedWhole: Set<String> = ["schema", "publish", "dead-letter", "sql", "query", "invariants"]
    /// Lists of entries with a `name`, merged by name.
    static let namedLists: Set<String> = ["steps", "actors"]

    /// The scenario's tree with its `extends:` chain merged in, and the base texts that went into
    /// it (part of the content hash: a replay refuses a changed base too).
    static func resolve(
        _ root: ScenarioNode, sources: ScenarioSources, chain: [(name: String, path: String)] = []
    ) throws(ScenarioError) -> (node: ScenarioNode, baseTexts: [String]) {
        guard case .mapping(let entries) = root.kind, let extends = root.value(for: "extends") else { return (root, []) }
        let reader = YAMLReader(node: extends, path: "extends")
        let name = try reader.string()
        for required in ["name", "description"] where root.value(for: required) == nil {
            throw YAMLReader(node: root, path: "").error("a scenario that extends `\(name)` states its own `\(required)`")
        }
        let ownName = root.value(for: "name")?.scalarText ?? root.file
        let here = chain + [(ownName, root.file)]
        guard here.count < ScenarioInputLimits.extendsChain else {
            throw reader.error("`extends: \(name)` makes a chain of more than \(ScenarioInputLimits.extendsChain) scenarios: "
                + here.map(\.name).joined(separator: " → "))
        }
        guard let base = try sources.find(name, root.file) else {
            let known = sources.known(root.file)
            let hint = Suggestion.closest(to: name, among: known).map { "; did you mean `\($0)`?" } ?? ""
            throw reader.error("`extends: \(name)`: no scenario file \(name).yaml next to this one, nor a built-in one\(hint)")
        }
        if here.contains(where: { $0.path == base.path }) {
            let circle = (here.map(\.name) + [name]).joined(separator: " → ")
            throw reader.error("`extends: \(name)` goes round in a circle: \(circle)")
        }
        guard let baseRoot = try ScenarioYAML.compose(base.text, file: base.path) else {
            throw reader.error("`extends: \(name)`: \(base.path) is empty")
        }
        let (resolvedBase, deeper) = try resolve(baseRoot, sources: sources, chain: here)
        var twin = root
        var own = entries.filter { $0.key.scalarText != "extends" }
        // The base's summary is of the base's description, which the twin replaces: without a
        // summary of its own, the twin's is its description's first sentence.
        if root.value(for: "summary") == nil {
            own.append((ScenarioNode(kind: .scalar("summary", plain: true), file: root.file, line: root.line, column: root.column),
                        ScenarioNode(kind: .scalar("~", plain: true), file: root.file, line: root.line, column: root.column)))
        }
        twin.kind = .mapping(own)
        return (try merge(resolvedBase, under: twin), [base.text] + deeper)
    }

    /// Keys are looked up by dictionary: two hostile files of 25 000 keys each stay linear.
    static func merge(_ base: ScenarioNode, under twin: ScenarioNode) throws(ScenarioError) -> ScenarioNode {
        guard case .mapping(let baseEntries) = base.kind, case .mapping(let twinEntries) = twin.kind else { return twin }
        let twinIndex = firstIndexByText(twinEntries.map(\.key))
        let baseKeys = Set(baseEntries.compactMap(\.key.scalarText))
        var merged: [(key: ScenarioNode, value: ScenarioNode)] = []
        for entry in baseEntries {
            guard let key = entry.key.scalarText, let index = twinIndex[key] else {
                merged.append(entry)
                continue
            }
            let override = twinEntries[index]
            if override.value.isNull { continue }
            if replacedWhole.contains(key) {
                merged.append(override)
            } else if namedLists.contains(key) {
                merged.append((override.key, try mergeNamed(entry.value, under: override.value, key: key)))
            } else {
                merged.append((override.key, try merge(entry.value, under: override.value)))
            }
        }
        for entry in twinEntries where !entry.value.isNull && !(entry.key.scalarText.map(baseKeys.contains) ?? false) {
            merged.append(entry)
        }
        var result = twin
        result.kind = .mapping(merged)
        return result
    }

    /// Each text's first position among `nodes`.
    private static func firstIndexByText(_ nodes: [ScenarioNode?]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, node) in nodes.enumerated() {
            if let text = node?.scalarText, index[text] == nil { index[text] = position }
        }
        return index
    }

    private static func mergeNamed(_ base: ScenarioNode, under twin: ScenarioNode, key: String) throws(ScenarioError) -> ScenarioNode {
        guard case .sequence(let baseItems) = base.kind, case .sequence(let twinItems) = twin.kind else { return twin }
        let baseIndex = firstIndexByText(baseItems.map { $0.value(for: "name") })
        var merged: [ScenarioNode] = []
        for item in twinItems {
            guard let name = item.value(for: "name")?.scalarText else {
                throw YAMLReader(node: item, path: key).error("every entry of `\(key)` in a scenario that extends another needs a `name`")
            }
            if let inherited = baseIndex[name] {
                merged.append(try merge(baseItems[inherited], under: item))
            } else {
                merged.append(item)
            }
        }
        var result = twin
        result.kind = .sequence(merged)
        return result
    }
}
