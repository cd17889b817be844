import Foundation

/// The columns a statement returns, read from its text: the list after a top-level `SELECT`, or
/// after `RETURNING`. Enough to tell a scenario's author, before anything runs, that a later step
/// names a column this step cannot return; the store's own answer is checked again before a run.
public enum ResultColumns: Equatable, Sendable {
    /// No result rows: a write without `RETURNING`.
    case none
    /// `*`, or a form the reader does not follow: any column may be there.
    case unknown
    case list([Column])

    public enum Column: Equatable, Sendable {
        /// A plain column or an `AS` alias, lowercased as the stores compare them.
        case named(String)
        /// An expression without an alias: it has no name a step can refer to.
        case unnamed(String)
    }

    public init(of sql: String) {
        let words = TopLevelWords(sql)
        let list: Substring
        let leading = words.words.first?.word
        if let returning = words.first("returning") {
            list = sql[returning.upperBound...]
        } else if leading == "select" || leading == "with", let select = words.first("select") {
            var start = select.upperBound
            for modifier in ["distinct", "all"] {
                if let next = words.after(start), next.word == modifier { start = next.range.upperBound }
            }
            let end = words.firstAfter(start, among: ["from", "where", "group", "order", "limit", "union", "except", "intersect", "having", "window"])
            list = sql[start..<(end ?? sql.endIndex)]
        } else {
            // A write without RETURNING returns nothing; anything else (VALUES, PRAGMA) is not read.
            self = ["insert", "update", "delete"].contains(leading ?? "") ? .none : .unknown
            return
        }
        var columns: [Column] = []
        for item in TopLevelWords.split(list, on: ",") {
            let text = item.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if text == "*" || text.hasSuffix(".*") {
                self = .unknown
                return
            }
            columns.append(Self.column(text))
        }
        self = .list(columns)
    }

    /// The names a step can refer to, or nil when any name may be returned.
    public var names: [String]? {
        switch self {
        case .none: []
        case .unknown: nil
        case .list(let columns): columns.compactMap { if case .named(let name) = $0 { name } else { nil } }
        }
    }

    private static func column(_ text: String) -> Column {
        let item = TopLevelWords(text)
        if let alias = item.last("as") {
            let name = text[alias.upperBound...].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if name.isPlainIdentifier { return .named(name.lowercased()) }
        }
        let last = text.split(separator: ".").last.map(String.init)?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? text
        if text.split(separator: ".").allSatisfy({ String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).isPlainIdentifier }) {
            return .named(last.lowercased())
        }
        return .unnamed(text)
    }
}

/// The words of SQL text outside quotes and parentheses, with where each is.
struct TopLevelWords {
    struct Word {
        var word: String
        var range: Range<String.Index>
    }

    let words: [Word]

    init(_ sql: String) {
        var words: [Word] = []
        var depth = 0
        var quote: Character?
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if let open = quote {
                if character == open { quote = nil }
                index = sql.index(after: index)
                continue
            }
            switch character {
            case "'", "\"": quote = character
            case "(": depth += 1
            case ")": depth -= 1
            default:
                if character.isIdentifierStart, depth == 0 {
                    var end = index
                    while end < sql.endIndex, sql[end].isIdentifierBody { end = sql.index(after: end) }
                    let startsWord = index == sql.startIndex || !(sql[sql.index(before: index)].isIdentifierBody
                        || sql[sql.index(before: index)] == ":" || sql[sql.index(before: index)] == ".")
                    if startsWord {
                        words.append(Word(word: sql[index..<end].lowercased(), range: index..<end))
                    }
                    index = end
                    continue
                }
            }
            index = sql.index(after: index)
        }
        self.words = words
    }

    func first(_ word: String) -> Range<String.Index>? { words.first { $0.word == word }?.range }
    func last(_ word: String) -> Range<String.Index>? { words.last { $0.word == word }?.range }

    func after(_ position: String.Index) -> Word? { words.first { $0.range.lowerBound >= position } }

    func firstAfter(_ position: String.Index, among candidates: Set<String>) -> String.Index? {
        words.first { $0.range.lowerBound >= position && candidates.contains($0.word) }?.range.lowerBound
    }

    /// `text` cut at `separator`s outside quotes and parentheses.
    static func split(_ text: Substring, on separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var quote: Character?
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == separator, depth == 0 {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        parts.append(text[start..<text.endIndex])
        return parts
    }
}

extension String {
    var isPlainIdentifier: Bool {
        guard let first, first.isIdentifierStart else { return false }
        return allSatisfy(\.isIdentifierBody)
    }
}
