internal import Yams

/// A position in a parsed YAML document that knows its file, line and path, so every complaint
/// reads `file:line:column: what was expected`.
struct YAMLReader {
    let node: Node
    let path: String
    let file: String

    func error(_ message: String) -> ScenarioError {
        ScenarioError(file: file, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    private var place: String { path.isEmpty ? "the top level" : "`\(path)`" }

    /// A mapping whose keys must all be in `allowed`; a stranger gets a "did you mean".
    func mapping(allowed: [String]) throws(ScenarioError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping with keys \(allowed.joined(separator: ", ")) at \(place), got \(node.shortDescription)")
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw YAMLReader(node: keyNode, path: path, file: file).error("expected a plain key at \(place)")
            }
            let key = scalar.string
            let keyReader = YAMLReader(node: keyNode, path: path, file: file)
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
        guard case .sequence(let sequence) = node else {
            throw error("expected a list at \(place), got \(node.shortDescription)")
        }
        return sequence.enumerated().map { offset, element in
            YAMLReader(node: element, path: "\(path)[\(offset)]", file: file)
        }
    }

    func string() throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error("expected text at \(place), got \(node.shortDescription)")
        }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(node.shortDescription)")
        }
        guard range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(value)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(node.shortDescription)")
        }
        guard range.contains(value) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound) at \(place), got \(value)")
        }
        return value
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) throws(ScenarioError) -> Choice
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        guard case .scalar(let scalar) = node, let value = Choice(rawValue: scalar.string) else {
            let got = node.shortDescription
            let hint = node.scalar.flatMap { Suggestion.closest(to: $0.string, among: names) }.map { "; did you mean `\($0)`?" } ?? ""
            throw error("expected one of \(names.joined(separator: ", ")) at \(place), got \(got)\(hint)")
        }
        return value
    }
}

struct YAMLMapping {
    let reader: YAMLReader
    let entries: [(key: String, keyNode: Node, value: Node)]

    func optional(_ key: String) -> YAMLReader? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        let path = reader.path.isEmpty ? key : "\(reader.path).\(key)"
        return YAMLReader(node: entry.value, path: path, file: reader.file)
    }

    func required(_ key: String) throws(ScenarioError) -> YAMLReader {
        guard let value = optional(key) else {
            let place = reader.path.isEmpty ? "the top level" : "`\(reader.path)`"
            throw reader.error("missing required key `\(key)` at \(place)")
        }
        return value
    }

    /// Entries in file order, each as a reader of its value.
    var values: [(key: String, keyReader: YAMLReader, value: YAMLReader)] {
        entries.map { entry in
            let path = reader.path.isEmpty ? entry.key : "\(reader.path).\(entry.key)"
            return (
                entry.key,
                YAMLReader(node: entry.keyNode, path: path, file: reader.file),
                YAMLReader(node: entry.value, path: path, file: reader.file)
            )
        }
    }
}

extension Node {
    fileprivate var shortDescription: String {
        switch self {
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return scalar.string.isEmpty ? "nothing" : "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
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
