internal import CLibPQ
import Foundation

/// `postgres://…` as the user typed it, parsed by libpq itself (`PQconninfoParse`), so whatever
/// libpq accepts — several hosts (`h1,h2:5433`), a socket folder, every query keyword — reaches the
/// connection unchanged. What this type adds is the redaction: the password, in the user part or
/// in `?password=`, never appears in anything printed. A part the URL leaves out is left to libpq,
/// which falls back to the usual `PG*` variables (`PGHOST`, `PGUSER`, `PGPASSWORD`, …).
public struct PostgresURL: Sendable, Equatable {
    /// The URL as given.
    let text: String
    /// Every keyword the URL sets, as libpq parsed it (values percent-decoded), in libpq's order.
    let keywords: [(name: String, value: String)]

    public static func == (left: PostgresURL, right: PostgresURL) -> Bool {
        left.text == right.text
    }

    /// A URL that names nothing: libpq's defaults and `PG*` variables decide everything.
    public init() {
        text = "postgres://"
        keywords = []
    }

    /// Errors name what is wrong and never repeat the password.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static let schemes = ["postgres://", "postgresql://"]

    public static func isPostgresURL(_ text: String) -> Bool {
        schemes.contains { text.lowercased().hasPrefix($0) }
    }

    public init(parsing text: String) throws(ParseError) {
        guard Self.isPostgresURL(text) else {
            throw ParseError(description: "a PostgreSQL URL starts with postgres:// or postgresql://")
        }
        let secrets = PasswordSpan.secrets(in: text)
        func hidden(_ message: String) -> String {
            secrets.reduce(message) { $0.replacingEvery($1, with: "***") }
        }
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &message) else {
            let reason = message.map { String(cString: $0) } ?? "libpq could not parse it"
            PQfreemem(message)
            throw ParseError(description: hidden(reason.trimmingTrailingNewlines))
        }
        defer { PQconninfoFree(options) }
        var keywords: [(name: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { keywords.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        // libpq checks ports only when it connects; a typo should stop the command line instead.
        if let ports = keywords.first(where: { $0.name == "port" })?.value {
            for port in ports.split(separator: ",", omittingEmptySubsequences: false) where !port.isEmpty {
                guard let number = Int(port), (1...65_535).contains(number) else {
                    throw ParseError(description: "the port must be a number from 1 to 65535")
                }
            }
        }
        self.text = text
        self.keywords = keywords
    }

    /// The value libpq parsed for `keyword`, if the URL sets it.
    public func value(of keyword: String) -> String? {
        keywords.first { $0.name == keyword }?.value
    }

    /// The URL with the password shown as `***`: for people.
    public var redacted: String { PasswordSpan.rewrite(text, password: "***") }

    /// The URL with no password at all: for the repro line (the password comes from `PGPASSWORD`
    /// or `~/.pgpass` when the line is run).
    public var withoutPassword: String { PasswordSpan.rewrite(text, password: nil) }

    /// libpq keywords for the parts the URL names; what it leaves out libpq takes from `PG*`.
    var connectionKeywords: [(String, String)] {
        keywords.map { ($0.name, $0.value) }
    }
}

extension PostgresURL {
    /// `text` with every password of `url` — as typed, and percent-decoded — replaced by `***`:
    /// for what a program given the URL may echo.
    static func redacting(_ text: String, passwordsOf url: String) -> String {
        let typed = PasswordSpan.secrets(in: url)
        let secrets = Set(typed + typed.compactMap { $0.removingPercentEncoding }).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        return secrets.reduce(text) { $0.replacingEvery($1, with: "***") }
    }
}

/// Where a password sits in a URL's text: after the first `:` of the user part (which ends at the
/// first `@` or `/`, as libpq reads it), and in any `password=` query parameter.
private enum PasswordSpan {
    /// The password texts as typed, raw: what a libpq error message might quote.
    static func secrets(in url: String) -> [String] {
        var secrets: [String] = []
        let parts = split(url)
        if let user = parts.user, let colon = user.firstIndex(of: ":") {
            secrets.append(String(user[user.index(after: colon)...]))
        }
        for pair in parts.query ?? [] where pair.name == "password" { secrets.append(String(pair.value)) }
        return secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// The URL with every password replaced by `password`, or removed (with its `:` or its `&`).
    static func rewrite(_ url: String, password: String?) -> String {
        let parts = split(url)
        var text = parts.scheme
        if let user = parts.user {
            if let colon = user.firstIndex(of: ":") {
                text += user[..<colon] + (password.map { ":" + $0 } ?? "")
            } else {
                text += user
            }
            text += "@"
        }
        text += parts.hostAndPath
        if let query = parts.query {
            let kept = query.compactMap { pair -> String? in
                guard pair.name == "password" else { return pair.name + (pair.hasValue ? "=" + pair.value : "") }
                return password.map { "password=" + $0 }
            }
            if !kept.isEmpty { text += "?" + kept.joined(separator: "&") }
        }
        return text
    }

    private struct Pair {
        var name: Substring
        var value: Substring
        var hasValue: Bool
    }

    private static func split(_ url: String) -> (scheme: String, user: Substring?, hostAndPath: Substring, query: [Pair]?) {
        let schemeLength = PostgresURL.schemes.first { url.lowercased().hasPrefix($0) }?.count ?? 0
        let scheme = String(url.prefix(schemeLength))
        var rest = url.dropFirst(schemeLength)
        var query: [Pair]?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true).map { pair in
                guard let equals = pair.firstIndex(of: "=") else { return Pair(name: pair, value: "", hasValue: false) }
                return Pair(name: pair[..<equals], value: pair[pair.index(after: equals)...], hasValue: true)
            }
            rest = rest[..<mark]
        }
        var user: Substring?
        if let end = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[end] == "@" {
            user = rest[..<end]
            rest = rest[rest.index(after: end)...]
        }
        return (scheme, user, rest, query)
    }
}

extension String {
    fileprivate func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
