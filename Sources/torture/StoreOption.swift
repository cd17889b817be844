import Foundation
import TortureKit

/// What `--store` names: `sqlite` (a fresh temporary file), `sqlite:PATH`, `postgres://…`, or
/// `postgres` (the URL in `TORTURE_DATABASE_URL`, else libpq's `PG*` variables).
enum StoreOption: Equatable {
    case temporarySQLite
    case sqliteFile(String)
    case postgres(PostgresURL)

    static let databaseURLVariable = "TORTURE_DATABASE_URL"

    init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ValidationFailure) {
        if text == "sqlite" {
            self = .temporarySQLite
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ValidationFailure("--store sqlite:PATH needs a path, e.g. sqlite:/tmp/run.db") }
            self = .sqliteFile(path)
        } else if PostgresURL.isPostgresURL(text) {
            self = .postgres(try Self.postgresURL(text, from: "--store"))
        } else if text == "postgres" || text == "postgresql" {
            if let fromEnvironment = environment[Self.databaseURLVariable], !fromEnvironment.isEmpty {
                self = .postgres(try Self.postgresURL(fromEnvironment, from: Self.databaseURLVariable))
            } else {
                self = .postgres(PostgresURL())
            }
        } else {
            // Only the scheme is echoed: a mistyped URL may still hold a password.
            let shown = text.contains("@") || text.contains("://") ? (text.components(separatedBy: "://").first ?? "") + "://…" : text
            throw ValidationFailure("--store expects sqlite, sqlite:PATH, postgres (TORTURE_DATABASE_URL or PG* variables) "
                + "or postgres://user@host:port/db, got \"\(shown)\"")
        }
    }

    private static func postgresURL(_ text: String, from source: String) throws(ValidationFailure) -> PostgresURL {
        do {
            return try PostgresURL(parsing: text)
        } catch {
            throw ValidationFailure("\(source): not a PostgreSQL URL (postgres://user[:password]@host[:port]/db[?key=value]): \(error)")
        }
    }

    /// The harness only touches what it made: a named SQLite file must not exist yet (checked
    /// here, so it is a command-line error), and a PostgreSQL run gets a schema of its own
    /// (`stamp` and the process id keep it unique).
    func makeProvider(stamp: String?) throws(ValidationFailure) -> any StoreProvider {
        switch self {
        case .temporarySQLite:
            return TemporarySQLiteStores()
        case .sqliteFile(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationFailure("--store sqlite:\(path): the file exists; torture only writes to a store it creates. Remove it or pick a new path")
            }
            return SQLiteFileStores(path: path)
        case .postgres(let url):
            return PostgresRunStores(url: url, processID: getpid(), stamp: stamp)
        }
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
