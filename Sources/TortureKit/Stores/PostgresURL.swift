/// `postgres://user[:password]@host[:port]/database[?key=value&…]`, taken apart so the password
/// can be handed to libpq and kept out of everything that is printed. A part left out is left to
/// libpq, which falls back to the usual `PG*` variables (`PGHOST`, `PGUSER`, `PGPASSWORD`, …).
public struct PostgresURL: Sendable, Equatable {
    public struct QueryParameter: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var user: String?
    public var password: String?
    public var host: String?
    public var port: Int?
    public var database: String?
    /// Passed through to libpq as connection keywords (`sslmode`, `options`, …); never `password`,
    /// which is moved into `password` so it is redacted like the one in the user part.
    public var query: [QueryParameter]

    public init(user: String? = nil, password: String? = nil, host: String? = nil, port: Int? = nil,
                database: String? = nil, query: [QueryParameter] = []) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.query = query
    }

    /// Errors name the part that is wrong and never repeat the text, which may hold a password.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static let schemes = ["postgres://", "postgresql://"]

    public static func isPostgresURL(_ text: String) -> Bool {
        schemes.contains { text.lowercased().hasPrefix($0) }
    }

    public init(parsing text: String) throws(ParseError) {
        guard let scheme = Self.schemes.first(where: { text.lowercased().hasPrefix($0) }) else {
            throw ParseError(description: "a PostgreSQL URL starts with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var queryText: Substring?
        if let mark = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        self.init()
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decoded(userInfo[..<colon], part: "user")
                password = try Self.decoded(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                user = try Self.decoded(userInfo, part: "user")
            }
        }
        try readHostAndPort(authority)
        if let path, !path.isEmpty {
            database = try Self.decoded(path, part: "database name")
        }
        if let queryText {
            for pair in queryText.split(separator: "&", omittingEmptySubsequences: true) {
                guard let equals = pair.firstIndex(of: "=") else {
                    throw ParseError(description: "query parameter `\(pair.prefix(40))` needs a value (name=value)")
                }
                let name = try Self.decoded(pair[..<equals], part: "query parameter name")
                let value = try Self.decoded(pair[pair.index(after: equals)...], part: "query parameter `\(name)`")
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw ParseError(description: "query parameter names are libpq keywords such as sslmode")
                }
                if name == "password" {
                    password = value
                } else {
                    query.append(QueryParameter(name: name, value: value))
                }
            }
        }
        user = user.flatMap { $0.isEmpty ? nil : $0 }
        host = host.flatMap { $0.isEmpty ? nil : $0 }
    }

    private mutating func readHostAndPort(_ authority: Substring) throws(ParseError) {
        var hostText = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ParseError(description: "an IPv6 host needs a closing `]`")
            }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ParseError(description: "expected `:port` after the IPv6 host")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        host = try Self.decoded(hostText, part: "host")
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw ParseError(description: "the port must be a number from 1 to 65535")
            }
            port = number
        }
    }

    /// The URL with the password shown as `***`: for people.
    public var redacted: String { render(passwordMark: password == nil ? nil : "***") }

    /// The URL with no password at all: for the repro line (the password comes from `PGPASSWORD`
    /// or `~/.pgpass` when the line is run).
    public var withoutPassword: String { render(passwordMark: nil) }

    private func render(passwordMark: String?) -> String {
        var text = "postgres://"
        if user != nil || passwordMark != nil {
            text += Self.encoded(user ?? "")
            if let passwordMark { text += ":" + passwordMark }
            text += "@"
        }
        if let host { text += host.contains(":") ? "[\(host)]" : Self.encoded(host) }
        if let port { text += ":\(port)" }
        if let database { text += "/" + Self.encoded(database) }
        if !query.isEmpty {
            text += "?" + query.map { "\($0.name)=\(Self.encoded($0.value))" }.joined(separator: "&")
        }
        return text
    }

    /// libpq keywords for the parts the URL names; what it leaves out libpq takes from `PG*`.
    var connectionKeywords: [(String, String)] {
        var keywords: [(String, String)] = []
        if let host { keywords.append(("host", host)) }
        if let port { keywords.append(("port", String(port))) }
        if let user { keywords.append(("user", user)) }
        if let password { keywords.append(("password", password)) }
        if let database { keywords.append(("dbname", database)) }
        keywords += query.map { ($0.name, $0.value) }
        return keywords
    }

    private static func decoded(_ text: Substring, part: String) throws(ParseError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw ParseError(description: "the \(part) has a `%` that is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func encoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, Character(scalar).isLetter || Character(scalar).isNumber || "-._~".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
