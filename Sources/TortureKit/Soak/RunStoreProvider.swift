import Foundation

/// Hands a soak a fresh store for every run, keeps a copy of it when a run failed, and removes
/// it afterwards: a passing run leaves nothing behind.
public protocol RunStoreProvider: Sendable {
    func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store
    /// Copies the final store into a report folder (only for runs that did not hold).
    func snapshot(_ store: any Store, into directory: String) throws
    func discard(_ store: any Store)
    /// What the repro line passes as `--store`.
    var commandLineValue: String { get }
    var dialect: Dialect { get }
    /// Called once when the soak ends: removes whatever the provider kept for its runs.
    func finish()
}

/// One new SQLite file per run in a private folder.
public struct TemporarySQLiteStores: RunStoreProvider {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public var commandLineValue: String { "sqlite" }
    public var dialect: Dialect { .sqlite }

    public func finish() {
        removeFolder()
    }

    public func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .unavailable("cannot create \(folder): \(error.localizedDescription)")
        }
        let store = SQLiteStore(path: "\(folder)/\(scenario)-\(seed).sqlite", isUserPath: false)
        store.removeFiles()
        return store
    }

    public func snapshot(_ store: any Store, into directory: String) throws {
        guard let sqlite = store as? SQLiteStore, FileManager.default.fileExists(atPath: sqlite.path) else { return }
        try sqlite.snapshot(to: "\(directory)/store.sqlite")
    }

    public func discard(_ store: any Store) {
        (store as? SQLiteStore)?.removeFiles()
    }

    /// Removes the folder and anything a run cut short left in it.
    public func removeFolder() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
