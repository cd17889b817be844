import Synchronization

/// A soak on a PostgreSQL server: every run gets a schema of its own (`torture_soak<n>_…`), made
/// and dropped by the engine like any PostgreSQL run, and kept after a violation for a post-mortem.
public final class PostgresRunStores: RunStoreProvider {
    public let url: PostgresURL
    private let processID: Int32
    private let runs = Atomic<Int>(0)

    public init(url: PostgresURL, processID: Int32) {
        self.url = url
        self.processID = processID
    }

    public var commandLineValue: String { url.withoutPassword }
    public var dialect: Dialect { .postgres }

    public func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store {
        let run = runs.add(1, ordering: .relaxed).newValue
        return PostgresStore(url: url, schema: RunSchemaName(soakRun: run, seed: seed, processID: processID))
    }

    /// The kept schema is the post-mortem; report.json names it and its DROP command.
    public func snapshot(_ store: any Store, into directory: String) throws {}

    /// The engine already dropped the schema of a run that held.
    public func discard(_ store: any Store) {}

    public func finish() {}
}
