/// A scenario's SQL read as tokens, outside string literals, quoted identifiers' insides and
/// comments — enough to tell how many statements a text holds and which names it qualifies with
/// a schema, without parsing either dialect.
struct SQLTokens {
    enum Token: Equatable {
        /// An identifier or keyword, dotted parts joined: `public.messages`, `"a"."b"` as `a.b`.
        case word(String)
        /// A string literal's contents: `'…'`, or PostgreSQL's `$tag$…$tag$`.
        case string(String)
        case punctuation(Character)
    }

    let tokens: [Token]

    init(_ text: String) {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func at(_ offset: Int) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "-", at(1) == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if character == "/", at(1) == "*" {
                index += 2
                while index < characters.count, !(characters[index] == "*" && at(1) == "/") { index += 1 }
                index += 2
            } else if character == "'" {
                tokens.append(.string(Self.quoted(characters, from: &index, quote: "'")))
            } else if character == "$", let tag = Self.dollarTag(characters, at: index) {
                index += tag.count
                var contents = ""
                while index < characters.count, !String(characters[index..<min(characters.count, index + tag.count)]).elementsEqual(tag) {
                    contents.append(characters[index])
                    index += 1
                }
                index += tag.count
                tokens.append(.string(contents))
            } else if character == "\"" || character.isIdentifierCharacter {
                var name = ""
                while index < characters.count {
                    if characters[index] == "\"" {
                        name += Self.quoted(characters, from: &index, quote: "\"")
                    } else if characters[index].isIdentifierCharacter {
                        name.append(characters[index])
                        index += 1
                    } else if characters[index] == ".", at(1).map({ $0 == "\"" || $0.isIdentifierCharacter }) == true {
                        name.append(".")
                        index += 1
                    } else {
                        break
                    }
                }
                tokens.append(.word(name))
            } else {
                tokens.append(.punctuation(character))
                index += 1
            }
        }
        self.tokens = tokens
    }

    /// Statements in the text: a `;` with anything but comments after it starts another.
    var statementCount: Int {
        var count = 0
        var open = false
        for token in tokens {
            if token == .punctuation(";") {
                open = false
            } else if !open {
                open = true
                count += 1
            }
        }
        return count
    }

    /// Words that a table's name follows.
    private static let tableKeywords: Set<String> = ["from", "join", "into", "update", "table", "exists", "references", "truncate"]

    /// Names with a schema in front (`public.messages`) where a table is named: the run's tables
    /// live in a schema of its own, found through `search_path`, and such a name reaches past it.
    var schemaQualifiedTables: [String] {
        var names: [String] = []
        for (previous, token) in zip(tokens, tokens.dropFirst()) {
            guard case .word(let keyword) = previous, Self.tableKeywords.contains(keyword.lowercased()),
                  case .word(let name) = token, name.contains(".") else { continue }
            names.append(name)
        }
        return names
    }

    /// `SET search_path …` or `set_config('search_path', …)`: the statement moves the run out of its schema.
    var changesSearchPath: Bool {
        for (index, token) in tokens.enumerated() {
            if case .word(let word) = token, word.lowercased() == "search_path",
               tokens[..<index].contains(where: { if case .word(let set) = $0 { set.lowercased() == "set" } else { false } }) {
                return true
            }
            if case .string(let text) = token, text.lowercased() == "search_path" { return true }
        }
        return false
    }

    private static func quoted(_ characters: [Character], from index: inout Int, quote: Character) -> String {
        var contents = ""
        index += 1
        while index < characters.count {
            if characters[index] == quote {
                // A doubled quote is the quote itself.
                if index + 1 < characters.count, characters[index + 1] == quote {
                    contents.append(quote)
                    index += 2
                    continue
                }
                index += 1
                return contents
            }
            contents.append(characters[index])
            index += 1
        }
        return contents
    }

    /// `$$` or `$tag$` at `index`, as text; nil when the `$` opens no dollar quote.
    private static func dollarTag(_ characters: [Character], at index: Int) -> String? {
        var end = index + 1
        while end < characters.count, characters[end] == "_" || (characters[end].isASCII && characters[end].isLetter) { end += 1 }
        guard end < characters.count, characters[end] == "$" else { return nil }
        return String(characters[index...end])
    }
}

extension Character {
    fileprivate var isIdentifierCharacter: Bool { self == "_" || (isASCII && (isLetter || isNumber)) }
}
