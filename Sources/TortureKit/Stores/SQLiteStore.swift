/// The embedded default: one SQLite file in WAL mode, one connection per processor.
public struct SQLiteStore: Store {
    public let path: String
    public let busyTimeoutMillis: Int
    /// Whether the user named the file (`sqlite:PATH`) or the run made a temporary one (`sqlite`).
    public let isUserPath: Bool

    public init(path: String, busyTimeoutMillis: Int = 5_000, isUserPath: Bool) {
        self.path = path
        self.busyTimeoutMillis = busyTimeoutMillis
        self.isUserPath = isUserPath
    }

    public var dialect: Dialect { .sqlite }
    public var displayName: String { isUserPath ? "sqlite:\(path)" : "sqlite (temporary file \(path))" }
    public var commandLineValue: String { isUserPath ? "sqlite:\(path)" : "sqlite" }

    /// The same file with no busy timeout: a simulation yields instead of blocking its one thread.
    public var simulation: StoreSimulation {
        .supported(SQLiteStore(path: path, busyTimeoutMillis: 0, isUserPath: isUserPath), busyMeansYield: true)
    }

    public func connect() throws(StoreError) -> any StoreConnection {
        try SQLiteConnection(path: path, busyTimeoutMillis: busyTimeoutMillis)
    }

    // The run owns the whole file: no run space; the store provider removes or keeps it.
}

import Foundation

extension SQLiteStore {
    /// Copies the store into the report folder as `store.sqlite`, when the run got as far as
    /// creating it.
    public func snapshot(into directory: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try snapshot(to: "\(directory)/store.sqlite")
    }

    /// Copies the store into one self-contained file (WAL folded in) for a post-mortem.
    public func snapshot(to destination: String) throws {
        let connection = try SQLiteConnection(path: path, busyTimeoutMillis: busyTimeoutMillis)
        try connection.executeScript("PRAGMA wal_checkpoint(TRUNCATE);")
        connection.close()
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.copyItem(atPath: path, toPath: destination)
    }

    /// Removes the database and its WAL and shared-memory files.
    public func removeFiles() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
