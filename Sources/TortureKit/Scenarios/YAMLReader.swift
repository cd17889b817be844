/// A position in a scenario's YAML that knows its file, line and path, so every complaint reads
/// `file:line:column: what was expected`.
struct YAMLReader {
    let node: ScenarioNode
    let path: String

    var file: String { node.file }

    func error(_ message: String) -> ScenarioError {
        ScenarioError(file: node.file, line: node.line, column: node.column, message: message)
    }

    private var place: String { path.isEmpty ? "the top level" : "`\(path)`" }

    var isMapping: Bool {
        if case .mapping = node.kind { return true }
        return false
    }

    var isScalar: Bool {
        if case .scalar = node.kind { return true }
        return false
    }

    /// A mapping whose keys must all be in `allowed`; a stranger gets a "did you mean".
    func mapping(allowed: [String]) throws(ScenarioError) -> YAMLMapping {
        guard case .mapping(let mapping) = node.kind else {
            throw error("expected a mapping with keys \(allowed.joined(separator: ", ")) at \(place), got \(node.shortDescription)")
        }
        var entries: [(key: String, keyNode: ScenarioNode, value: ScenarioNode)] = []
        for (keyNode, value) in mapping {
            let keyReader = YAMLReader(node: keyNode, path: path)
            guard case .scalar(let key, _) = keyNode.kind else {
                throw keyReader.error("expected a plain key at \(place)")
            }
            guard allowed.contains(key) else {
                let hint = Suggestion.closest(to: key, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
                throw keyReader.error("unknown key `\(key)` at \(place)\(hint) (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard !entries.contains(where: { $0.key == key }) else {
                throw keyReader.error("key `\(key)` appears twice at \(place)")
            }
            entries.append((key, keyNode, value))
        }
        return YAMLMapping(reader: self, entries: entries)
    }

    func sequence() throws(ScenarioError) -> [YAMLReader] {
        guard case .sequence(let sequence) = node.kind else {
            throw error("expected a list at \(place), got \(node.shortDescription)")
        }
        // The readers check each entry against the ones before it (names, gotos, references).
        guard sequence.count <= ScenarioInputLimits.listEntries else {
            throw error("\(place) has \(sequence.count) entries; at most \(ScenarioInputLimits.listEntries) in a scenario's list")
        }
        return sequence.enumerated().map { offset, element in
            YAMLReader(node: element, path: "\(path)[\(offset)]")
        }
    }

    func string() throws(ScenarioError) -> String {
        guard case .scalar(let text, _) = node.kind, !text.isEmpty else {
            throw error("expected text at \(place), got \(node.shortDescription)")
        }
        return text
    }

    func int(in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard case .scalar(let text, plain: true) = node.kind, let value = Int(text) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(node.shortDescription)")
        }
        guard range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(value)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        guard case .scalar(let text, plain: true) = node.kind, let value = Double(text) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(node.shortDescription)")
        }
        guard range.contains(value) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(value)")
        }
        return value
    }

    func bool() throws(ScenarioError) -> Bool {
        guard case .scalar(let text, plain: true) = node.kind, text == "true" || text == "false" else {
            throw error("expected true or false at \(place), got \(node.shortDescription)")
        }
        return text == "true"
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) throws(ScenarioError) -> Choice
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        guard case .scalar(let text, _) = node.kind, let value = Choice(rawValue: text) else {
            let hint = node.scalarText.flatMap { Suggestion.closest(to: $0, among: names) }.map { "; did you mean `\($0)`?" } ?? ""
            throw error("expected one of \(names.joined(separator: ", ")) at \(place), got \(node.shortDescription)\(hint)")
        }
        return value
    }
}

struct YAMLMapping {
    let reader: YAMLReader
    let entries: [(key: String, keyNode: ScenarioNode, value: ScenarioNode)]

    func optional(_ key: String) -> YAMLReader? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        return YAMLReader(node: entry.value, path: reader.path.isEmpty ? key : "\(reader.path).\(key)")
    }

    func required(_ key: String) throws(ScenarioError) -> YAMLReader {
        guard let value = optional(key) else {
            let place = reader.path.isEmpty ? "the top level" : "`\(reader.path)`"
            throw reader.error("missing required key `\(key)` at \(place)")
        }
        return value
    }

    /// Entries in file order, each as a reader of its key and of its value.
    var values: [(key: String, keyReader: YAMLReader, value: YAMLReader)] {
        entries.map { entry in
            let path = reader.path.isEmpty ? entry.key : "\(reader.path).\(entry.key)"
            return (entry.key, YAMLReader(node: entry.keyNode, path: path), YAMLReader(node: entry.value, path: path))
        }
    }
}

/// "Did you mean": the closest name within a small edit distance.
public enum Suggestion {
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ left: String, _ right: String) -> Int {
        let a = Array(left), b = Array(right)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
