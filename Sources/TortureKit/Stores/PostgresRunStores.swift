import Synchronization

/// A PostgreSQL server: every run gets a schema of its own, made and dropped by the engine like
/// any PostgreSQL run, and kept after a violation for a post-mortem (report.json names it and its
/// DROP command).
public final class PostgresRunStores: StoreProvider {
    public let url: PostgresURL
    private let processID: Int32
    /// A single run's schema is named after its start (`torture_<stamp>_<seed>_<pid>`); a soak's
    /// after its run number.
    private let stamp: String?
    private let runs = Atomic<Int>(0)

    public init(url: PostgresURL, processID: Int32, stamp: String? = nil) {
        self.url = url
        self.processID = processID
        self.stamp = stamp
    }

    public var commandLineValue: String { url.withoutPassword }
    public var dialect: Dialect { .postgres }

    public func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store {
        let run = runs.add(1, ordering: .relaxed).newValue
        let schema = if let stamp {
            RunSchemaName(stamp: stamp, seed: seed, processID: processID, run: run)
        } else {
            RunSchemaName(soakRun: run, seed: seed, processID: processID)
        }
        return PostgresStore(url: url, schema: schema)
    }

    /// The engine already dropped the schema of a run that held, and keeps the others.
    public func discard(_ store: any Store) {}

    public func finish() {}
}
