/// Whether a PostgreSQL server can take a run's connections at once, and if not, the numbers and
/// the remedy: said before the run starts, not discovered as "too many clients" half-way through.
public struct ConnectionBudget: Sendable, Equatable {
    public var maxConnections: Int
    /// `superuser_reserved_connections` plus, from PostgreSQL 16, `reserved_connections`.
    public var reserved: Int
    /// Client connections open now, other than the one asking.
    public var inUse: Int

    /// Room left for other clients (a psql session, a monitor) that connect while the run goes.
    public static let spare = 3

    public init(maxConnections: Int, reserved: Int, inUse: Int) {
        self.maxConnections = maxConnections
        self.reserved = reserved
        self.inUse = inUse
    }

    public var free: Int { maxConnections - reserved - inUse }

    /// Nil when `workers` connections (one per processor, all open at once) fit with `spare` to
    /// spare; else what to tell the user.
    public func shortfall(workers: Int, server: String) -> String? {
        let needed = workers + Self.spare
        guard needed > free else { return nil }
        let suggested = ((maxConnections + needed - free) / 50 + 1) * 50
        let fewer = free - Self.spare
        let lower = fewer >= 1 ? "run with --workers \(fewer) or fewer, or " : ""
        return "\(server) takes \(maxConnections - reserved) client connections (max_connections \(maxConnections) − \(reserved) reserved), "
            + "\(inUse) are in use, so \(free) are free; this run needs \(needed) (\(workers) workers, one connection each, "
            + "+ \(Self.spare) to spare). Remedy: \(lower)raise max_connections, e.g. "
            + "ALTER SYSTEM SET max_connections = \(suggested); then restart PostgreSQL"
    }
}
