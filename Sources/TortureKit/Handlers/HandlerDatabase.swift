/// What a handler process connects with to reach the run's own space: the SQLite file, or a
/// PostgreSQL URL that lands in the run's schema as the run's role, named so the run can end
/// its sessions. Nil for a store a process cannot reach.
enum HandlerDatabase {
    static func connection(for store: any Store) -> String? {
        if let sqlite = store as? SQLiteStore { return sqlite.path }
        if let postgres = store as? PostgresStore { return url(postgres.keywords(asRunRole: true)) }
        return nil
    }

    /// `postgresql://user:password@host:port/db?options=…`: the URL form libpq, psycopg, psql
    /// and most drivers read. A socket folder for a host goes into the query, as libpq allows.
    static func url(_ keywords: [(String, String)]) -> String {
        var values: [String: String] = [:]
        var order: [String] = []
        for (name, value) in keywords where values[name] == nil {
            values[name] = value
            order.append(name)
        }
        var authority = ""
        if let user = values["user"] {
            authority += encode(user)
            if let password = values["password"] { authority += ":" + encode(password) }
            authority += "@"
        }
        var inAuthority: Set<String> = ["user", "password", "dbname"]
        if let host = values["host"], !host.contains("/"), !host.contains(",") {
            authority += host.contains(":") ? "[\(host)]" : host
            inAuthority.insert("host")
            if let port = values["port"], !port.contains(",") {
                authority += ":" + port
                inAuthority.insert("port")
            }
        }
        let path = "/" + encode(values["dbname"] ?? "")
        let query = order.filter { !inAuthority.contains($0) }.map { "\($0)=\(encode(values[$0]!))" }.joined(separator: "&")
        return "postgresql://\(authority)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    private static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
