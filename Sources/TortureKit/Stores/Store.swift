/// The one seam every database sits behind. A `Store` is shared by a run; each processor opens
/// its own `StoreConnection` and is the only one to use it.
public protocol Store: Sendable {
    var dialect: Dialect { get }
    /// What to print: never carries a password.
    var displayName: String { get }
    /// What `--store` must say to reach the same store again (for the repro line).
    var commandLineValue: String { get }
    func connect() throws(StoreError) -> any StoreConnection

    /// The space this run owns in a shared store (PostgreSQL: its own schema); nil when the run
    /// owns the whole store (SQLite: a file it created).
    var runSpace: RunSpace? { get }
    /// Before anything else: checks the store can take `workers` connections at once, then makes
    /// the run space, refusing one that already exists. Throws `unavailable` when it cannot.
    func createRunSpace(workers: Int) throws(StoreError)
    /// After a run whose space is not kept for a post-mortem.
    func dropRunSpace() throws(StoreError)

    /// Whether and how the store runs under the one-thread simulation.
    var simulation: StoreSimulation { get }
    /// Copies what a post-mortem needs into a report folder (SQLite: the file); a store whose run
    /// space is kept in place (PostgreSQL: the schema) copies nothing.
    func snapshot(into directory: String) throws
}

extension Store {
    public var runSpace: RunSpace? { nil }
    public func createRunSpace(workers: Int) throws(StoreError) {}
    public func dropRunSpace() throws(StoreError) {}
    public var simulation: StoreSimulation { .unsupported("\(dialect) has no simulation support") }
    public func snapshot(into directory: String) throws {}
}

/// A store's answer to "can one thread drive every processor's connection?"
public enum StoreSimulation: Sendable {
    /// Yes, with this store (e.g. without a busy timeout); `busyMeansYield`: a busy answer is a
    /// lock held by a suspended processor, to be waited out by yielding.
    case supported(any Store, busyMeansYield: Bool)
    /// Yes, a server: statements go through `sessions`, which parks a lane whose statement waits
    /// on a lock.
    case sessions(any Store, any ServerSessions)
    /// No, and why.
    case unsupported(String)
}

/// One connection, used by one processor at a time. Calls block the calling thread, which is
/// why processors run on thread-backed executors and never on the cooperative pool.
public protocol StoreConnection: AnyObject {
    func execute(_ statement: SQLTemplate, _ parameters: StatementParameters) throws(StoreError) -> StatementResult
    /// Compiles a statement without running it: a scenario's SQL errors surface before the run.
    func prepare(_ statement: SQLTemplate) throws(StoreError)
    /// The names of the columns a statement returns, as the store names them (prepared, not
    /// run); nil when the store cannot tell without running it.
    func resultColumns(of statement: SQLTemplate) throws(StoreError) -> [String]?
    /// `prepare` for a statement that runs after steps whose columns have `stepTypes`: a store
    /// that types its parameters at prepare time (PostgreSQL) types each step value as the
    /// column it came from.
    func prepare(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError)
    /// `resultColumns` with each column's type, for a statement prepared with `stepTypes`.
    func describe(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError) -> [DescribedColumn]?
    /// Several statements without parameters: schemas and set-up.
    func executeScript(_ sql: String) throws(StoreError)
    func begin(_ isolation: IsolationLevel) throws(StoreError)
    func commit() throws(StoreError)
    func rollback() throws(StoreError)
    /// From here until `endReadOnly`, every statement may only read: a write is refused as
    /// `other`. What invariant queries run under, so a check can never change what it checks.
    func beginReadOnly() throws(StoreError)
    func endReadOnly() throws(StoreError)
    func close()
}

extension StoreConnection {
    /// A store of your own that cannot refuse writes runs its checks as they are: SQLite and
    /// PostgreSQL implement these, so a check that writes is refused there.
    public func beginReadOnly() throws(StoreError) {}
    public func endReadOnly() throws(StoreError) {}
}

/// A store's SQL dialect: the key under which a scenario writes SQL for it. Open, so a store of
/// your own brings its own.
public struct Dialect: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let sqlite = Dialect(rawValue: "sqlite")
    public static let postgres = Dialect(rawValue: "postgres")
    /// The dialects a scenario file may write SQL for.
    public static let builtIn: [Dialect] = [.sqlite, .postgres]

    public var description: String { rawValue }
}

public enum IsolationLevel: String, Sendable, Codable, CaseIterable {
    case readCommitted = "read-committed"
    case repeatableRead = "repeatable-read"
    case serializable
}

extension StoreConnection {
    public func resultColumns(of statement: SQLTemplate) throws(StoreError) -> [String]? { nil }

    /// A store that types nothing at prepare time prepares as it always does.
    public func prepare(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError) {
        try prepare(statement)
    }

    public func describe(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError) -> [DescribedColumn]? {
        try resultColumns(of: statement).map { $0.map { DescribedColumn(name: $0) } }
    }
}

public struct StatementResult: Sendable, Equatable {
    public var rowsAffected: Int
    public var rows: [[SQLValue]]
    /// The result's column names, as the store names them (`count`, `COUNT(*)`, an alias).
    public var columns: [String]
    /// Each column's type where the store gives one (PostgreSQL), in the order of `columns`;
    /// empty where it does not (SQLite).
    public var columnTypes: [ColumnType]

    public init(rowsAffected: Int, rows: [[SQLValue]], columns: [String] = [], columnTypes: [ColumnType] = []) {
        self.rowsAffected = rowsAffected
        self.rows = rows
        self.columns = columns
        self.columnTypes = columnTypes
    }
}

/// Expected failures of a store call, handled as values. Each kind is something a protocol may
/// retry on or a checker may count; `unavailable` means the store itself is gone (exit 3).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: StoreErrorKind
    /// For people: what the store said, and what torture was doing.
    public var message: String
    /// PostgreSQL's five-character SQLSTATE when the server answered with one: what code decides
    /// on, never the message.
    public var sqlState: SQLState?

    public init(_ kind: StoreErrorKind, _ message: String, sqlState: SQLState? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public static func busy(_ message: String, sqlState: SQLState? = nil) -> StoreError { StoreError(.busy, message, sqlState: sqlState) }
    public static func serializationFailure(_ message: String, sqlState: SQLState? = nil) -> StoreError {
        StoreError(.serializationFailure, message, sqlState: sqlState)
    }
    public static func uniqueViolation(_ message: String, sqlState: SQLState? = nil) -> StoreError {
        StoreError(.uniqueViolation, message, sqlState: sqlState)
    }
    public static func unavailable(_ message: String, sqlState: SQLState? = nil) -> StoreError {
        StoreError(.unavailable, message, sqlState: sqlState)
    }
    public static func other(_ message: String, sqlState: SQLState? = nil) -> StoreError { StoreError(.other, message, sqlState: sqlState) }

    public var description: String { "\(kind.rawValue): \(message)" }

    var isUnavailable: Bool { kind == .unavailable }

    /// Refused now, may succeed when tried again: a lock wait that ran out, a serialization
    /// failure or deadlock.
    var isTransient: Bool { kind == .busy || kind == .serializationFailure }
}

/// What kind of failure a store call met: the key of a run's store-error counts and of a
/// history event's store-error fact.
public enum StoreErrorKind: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, Comparable {
    case busy
    case serializationFailure = "serialization-failure"
    case uniqueViolation = "unique-violation"
    /// The store is gone: the run ends, exit 3.
    case unavailable = "connection-lost"
    /// An injected `store-error: connection-reset`: the connection dropped, the store lives on.
    case connectionReset = "connection-reset"
    case other

    public static func < (lhs: StoreErrorKind, rhs: StoreErrorKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A five-character SQLSTATE (`40001`, `40P01`, `23505`): what a PostgreSQL error is, as a value.
public struct SQLState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) {
        precondition(rawValue.utf8.count == 5, "an SQLSTATE has five characters, not `\(rawValue)`")
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public var description: String { rawValue }
}
