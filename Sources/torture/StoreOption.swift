import Foundation
import TortureKit

/// What `--store` names: `sqlite` (a fresh temporary file), `sqlite:PATH`, later `postgres://…`.
enum StoreOption: Equatable {
    case temporarySQLite
    case sqliteFile(String)

    init(parsing text: String) throws(ValidationFailure) {
        if text == "sqlite" {
            self = .temporarySQLite
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ValidationFailure("--store sqlite:PATH needs a path, e.g. sqlite:/tmp/run.db") }
            self = .sqliteFile(path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            throw ValidationFailure("--store postgres:// is not supported by this build yet; use --store sqlite or sqlite:PATH")
        } else {
            throw ValidationFailure("--store expects sqlite, sqlite:PATH or postgres://user@host:port/db, got \"\(text)\"")
        }
    }

    /// The harness only touches what it made: a named SQLite file must not exist yet.
    func makeStore(seed: Seed) throws(ValidationFailure) -> SQLiteStore {
        switch self {
        case .temporarySQLite:
            let folder = NSTemporaryDirectory() + "torture-\(getpid())-\(seed)"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return SQLiteStore(path: folder + "/store.sqlite", isUserPath: false)
        case .sqliteFile(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationFailure("--store sqlite:\(path): the file exists; torture only writes to a store it creates. Remove it or pick a new path")
            }
            return SQLiteStore(path: path, isUserPath: true)
        }
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
