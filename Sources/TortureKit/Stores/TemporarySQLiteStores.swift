import Foundation
import Synchronization

/// `--store sqlite`: a new SQLite file for every run, in one private folder made on first use
/// (`<tmp>/torture-<pid>-XXXXXX`, by mkdtemp) and removed, with anything a run cut short left
/// in it, by `finish`. The only place a temporary SQLite folder is made.
public final class TemporarySQLiteStores: StoreProvider {
    private let parent: String
    private let state = Mutex<(folder: String?, runs: Int)>((nil, 0))

    /// `parent`: where the private folder goes (the system's temporary directory by default).
    public init(parent: String? = nil) {
        let parent = parent ?? NSTemporaryDirectory()
        self.parent = parent.hasSuffix("/") ? String(parent.dropLast()) : parent
    }

    public var dialect: Dialect { .sqlite }
    public var commandLineValue: String { "sqlite" }

    /// The private folder, once a store was made.
    public var folder: String? { state.withLock { $0.folder } }

    public func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store {
        let made: Result<(String, Int), StoreError> = state.withLock { state in
            if state.folder == nil {
                var template = Array("\(parent)/torture-\(getpid())-XXXXXX".utf8CString)
                guard let created = mkdtemp(&template) else {
                    return .failure(.unavailable("cannot create a temporary folder in \(parent): \(String(cString: strerror(errno)))"))
                }
                state.folder = String(cString: created)
            }
            state.runs += 1
            return .success((state.folder!, state.runs))
        }
        let (folder, run) = try made.get()
        return SQLiteStore(path: "\(folder)/\(run)-\(scenario)-\(seed).sqlite", isUserPath: false)
    }

    public func discard(_ store: any Store) {
        (store as? SQLiteStore)?.removeFiles()
    }

    /// Safe to call again: a processor of a run abandoned at a signal may still be reconnecting,
    /// and a reconnect creates its store's file anew, so the folder may need a second removal
    /// (or a retry, when a file appeared while it was being emptied).
    public func finish() {
        guard let folder else { return }
        for _ in 0..<3 where FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}

/// `--store sqlite:PATH`: the one file the user named, for one run, kept afterwards.
public struct SQLiteFileStores: StoreProvider {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var dialect: Dialect { .sqlite }
    public var commandLineValue: String { "sqlite:\(path)" }

    public func makeStore(scenario: String, seed: Seed) throws(StoreError) -> any Store {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .unavailable("\(path) exists; torture only writes to a store it creates. Remove it or pick a new path")
        }
        return SQLiteStore(path: path, isUserPath: true)
    }

    public func discard(_ store: any Store) {}
    public func finish() {}
}
