/// A PostgreSQL server reached over libpq, shared with whatever else lives in the database: a run
/// works only inside its own schema, made at the start and dropped at the end.
public struct PostgresStore: Store {
    public let url: PostgresURL
    public let schema: RunSchemaName
    /// How long a call waits for a silent server before calling it gone: longer than any lock
    /// wait a scenario should cause, short enough that a hung server ends the run in seconds.
    public let answerTimeoutMillis: Int32

    public init(url: PostgresURL, schema: RunSchemaName, answerTimeoutMillis: Int32 = 5_000) {
        self.url = url
        self.schema = schema
        self.answerTimeoutMillis = answerTimeoutMillis
    }

    public var dialect: Dialect { .postgres }
    public var displayName: String { "\(url.redacted) schema \(schema)" }
    public var commandLineValue: String { url.withoutPassword }

    public func connect() throws(StoreError) -> any StoreConnection {
        try open()
    }

    /// The simulation drives the server's sessions as PostgreSQL's isolation tester does.
    public var simulation: StoreSimulation {
        .sessions(self, PostgresSessions(store: self))
    }

    /// A connection of the harness's own, outside the run's processors: asks who waits on whom.
    func openMonitor() throws(StoreError) -> PostgresConnection {
        try open()
    }

    public var runSpace: RunSpace? {
        RunSpace(description: "schema \(schema) in \(url.redacted)", dropCommand: "DROP SCHEMA \(schema.quoted) CASCADE;")
    }

    public func createRunSpace(workers: Int) throws(StoreError) {
        let connection = try open()
        defer { connection.close() }
        let budget = try connectionBudget(connection)
        if let shortfall = budget.shortfall(workers: workers, server: url.redacted) {
            throw .unavailable(shortfall)
        }
        do {
            try connection.executeScript("CREATE SCHEMA \(schema.quoted)")
        } catch .other(let message) where message.hasPrefix("[\(PostgresErrorClassifier.duplicateSchema)]") {
            throw .unavailable("schema \(schema) already exists in \(url.redacted); torture works only in a schema it creates. "
                + "Wait a second and run again, or remove it if it is a kept one: DROP SCHEMA \(schema.quoted) CASCADE;")
        }
    }

    public func dropRunSpace() throws(StoreError) {
        let connection = try open()
        defer { connection.close() }
        try connection.executeScript("DROP SCHEMA IF EXISTS \(schema.quoted) CASCADE")
    }

    private func connectionBudget(_ connection: PostgresConnection) throws(StoreError) -> ConnectionBudget {
        let rows = try connection.rows("""
            SELECT current_setting('max_connections')::int,
                   current_setting('superuser_reserved_connections')::int
                     + COALESCE(NULLIF(current_setting('reserved_connections', true), '')::int, 0),
                   (SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int
            """)
        guard let row = rows.first, row.count == 3,
              case .integer(let maxConnections) = row[0], case .integer(let reserved) = row[1], case .integer(let inUse) = row[2]
        else { throw .other("could not read max_connections from \(url.redacted)") }
        return ConnectionBudget(maxConnections: Int(maxConnections), reserved: Int(reserved), inUse: Int(inUse))
    }

    private func open() throws(StoreError) -> PostgresConnection {
        try PostgresConnection(keywords: keywords, answerTimeoutMillis: answerTimeoutMillis, serverName: url.redacted)
    }

    /// Ours first, then the URL's (a user's `connect_timeout` wins), then what a run must have:
    /// its schema as the only search path, and its name in `pg_stat_activity`.
    var keywords: [(String, String)] {
        var keywords: [(String, String)] = [
            // A frozen server ends a run in about answerTimeout + connect_timeout (the drop attempt).
            ("connect_timeout", "3"),
            // A dead peer on a silent connection is noticed in about 5 + 2 × 3 s.
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "10000"),
        ]
        keywords += url.connectionKeywords.filter { $0.0 != "options" && $0.0 != "application_name" }
        let userOptions = url.query.first { $0.name == "options" }.map { $0.value + " " } ?? ""
        keywords.append(("options", userOptions + "-c search_path=\(schema.text) -c client_min_messages=warning"))
        keywords.append(("application_name", schema.text))
        return keywords
    }
}
