/// A PostgreSQL server reached over libpq, shared with whatever else lives in the database: a run
/// works only inside its own schema, made at the start and dropped at the end.
public struct PostgresStore: Store {
    public let url: PostgresURL
    public let schema: RunSchemaName
    /// How long a call waits for a silent server before calling it gone: longer than any lock
    /// wait a scenario should cause, short enough that a hung server ends the run in seconds.
    public let answerTimeoutMillis: Int32

    /// The role the run's SQL runs as, when one could be made (`createRunSpace`).
    public let role = RunRole()

    public init(url: PostgresURL, schema: RunSchemaName, answerTimeoutMillis: Int32 = 5_000) {
        self.url = url
        self.schema = schema
        self.answerTimeoutMillis = answerTimeoutMillis
    }

    /// Why the scenario's SQL runs with the connecting user's rights, when it does.
    public var confinementNote: String? { role.cannotNote }

    static let spaceLockTimeoutMillis = 500

    public var dialect: Dialect { .postgres }
    public var displayName: String { "\(url.redacted) schema \(schema)" + (role.current.map { " as role \($0)" } ?? "") }
    public var commandLineValue: String { url.withoutPassword }

    /// A connection for the scenario's SQL: as the run's role, when there is one.
    public func connect() throws(StoreError) -> any StoreConnection {
        try open(asRunRole: true)
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
        let dropRole = role.current.map { " DROP ROLE \"\($0)\";" } ?? ""
        return RunSpace(description: "schema \(schema)\(role.current.map { " and role \($0)" } ?? "") in \(url.redacted)",
                        dropCommand: "DROP SCHEMA \(schema.quoted) CASCADE;" + dropRole)
    }

    public func createRunSpace(workers: Int) throws(StoreError) {
        let connection = try open()
        defer { connection.close() }
        let budget = try connectionBudget(connection)
        if let shortfall = budget.shortfall(workers: workers, server: url.redacted) {
            throw .unavailable(shortfall)
        }
        let mayCreateRoles = try connection.rows("SELECT rolsuper OR rolcreaterole, current_user FROM pg_roles WHERE rolname = current_user")
        do {
            if let row = mayCreateRoles.first, row.first == .boolean(true) {
                // One implicit transaction: the role, the right to act as it, and its schema, or none of them.
                // The schema first, so one that exists is refused as such.
                try connection.executeScript("CREATE SCHEMA \(schema.quoted); CREATE ROLE \(schema.quoted) NOLOGIN; "
                    + "GRANT \(schema.quoted) TO CURRENT_USER; ALTER SCHEMA \(schema.quoted) OWNER TO \(schema.quoted)")
                role.made(schema.text)
            } else {
                try connection.executeScript("CREATE SCHEMA \(schema.quoted)")
                role.cannotMake(user: mayCreateRoles.first?.last?.description ?? "the connecting user")
            }
        } catch let error where error.sqlState == PostgresErrorClassifier.duplicateSchema {
            throw .unavailable("schema \(schema) already exists in \(url.redacted); torture works only in a schema it creates. "
                + "Wait a second and run again, or remove it if it is a kept one: DROP SCHEMA \(schema.quoted) CASCADE;")
        } catch let error where error.sqlState == PostgresErrorClassifier.duplicateObject {
            throw .unavailable("role \(schema) already exists in \(url.redacted); torture works only as a role it creates. "
                + "Remove it if a run left it behind: DROP ROLE \(schema.quoted);")
        }
    }

    /// Sessions of this run still open (a run abandoned after a signal) are ended first: their
    /// locks would hold the DROP. None are left after a run that finished.
    public func dropRunSpace() throws(StoreError) {
        let connection = try open()
        defer { connection.close() }
        _ = try connection.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            + "WHERE application_name = '\(schema.text)' AND pid <> pg_backend_pid()")
        try connection.executeScript("DROP SCHEMA IF EXISTS \(schema.quoted) CASCADE"
            + (role.current.map { "; DROP ROLE IF EXISTS \"\($0)\"" } ?? ""))
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

    /// Making and dropping the run's space needs the connecting user's own rights.
    private func open(asRunRole: Bool = false) throws(StoreError) -> PostgresConnection {
        try PostgresConnection(keywords: keywords(asRunRole: asRunRole), answerTimeoutMillis: answerTimeoutMillis, serverName: url.redacted)
    }

    /// Ours first, then the URL's (a user's `connect_timeout` wins), then what a run must have:
    /// its schema as the only search path, and its name in `pg_stat_activity`.
    func keywords(asRunRole: Bool) -> [(String, String)] {
        var keywords: [(String, String)] = [
            // A frozen server ends a run in about answerTimeout + connect_timeout (the drop attempt).
            ("connect_timeout", "3"),
            // A dead peer on a silent connection is noticed in about 5 + 2 × 3 s.
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "10000"),
        ]
        keywords += url.connectionKeywords.filter { $0.0 != "options" && $0.0 != "application_name" }
        let userOptions = url.value(of: "options").map { $0 + " " } ?? ""
        let asRole = asRunRole ? role.current.map { " -c role=\($0)" } ?? "" : ""
        // The run's own work may wait on locks as long as it likes; making and dropping its space
        // may not, or a drop held by a stuck session would outlast the two seconds a signal allows.
        let ownRights = asRunRole ? "" : " -c lock_timeout=\(Self.spaceLockTimeoutMillis)"
        keywords.append(("options", userOptions + "-c search_path=\(schema.text) -c client_min_messages=warning" + asRole + ownRights))
        keywords.append(("application_name", schema.text))
        return keywords
    }
}
