import Foundation
import Testing

/// The PostgreSQL server the end-to-end tests run against: `make test` starts a throwaway cluster
/// and exports its URL as TORTURE_TEST_DATABASE_URL. Without it the tests fail: a test that
/// skips when the server is missing would pass on a machine where nothing was tested.
struct TestDatabase {
    static let variable = "TORTURE_TEST_DATABASE_URL"

    let url: String

    init() throws {
        let value = ProcessInfo.processInfo.environment[Self.variable] ?? ""
        url = try #require(!value.isEmpty ? value : nil, """
            \(Self.variable) is not set: run the PostgreSQL tests with `make test`, which starts a throwaway \
            cluster (scripts/pg-cluster.sh), or export the URL of a server you may create schemas in
            """)
        let answer = try query("SELECT 1")
        try #require(answer == "1", "the PostgreSQL server at \(Self.variable) cannot be reached")
    }

    init(url: String) {
        self.url = url
    }

    /// Runs SQL with psql and returns its unaligned, tuples-only output, trimmed.
    @discardableResult
    func query(_ sql: String) throws -> String {
        try Self.psql(url: url, sql)
    }

    /// The `torture_*` schemas and roles of runs this test run started there now: a run's role
    /// has its schema's name. Another client's runs on the same server are neither counted nor
    /// dropped.
    func runSchemas() throws -> Set<String> {
        Self.ours(try query("""
            SELECT nspname FROM pg_namespace WHERE nspname LIKE 'torture\\_%'
            UNION SELECT rolname FROM pg_roles WHERE rolname LIKE 'torture\\_%'
            """))
    }

    /// The `torture_*` roles alone, of runs this test run started.
    func runRoles() throws -> Set<String> {
        Self.ours(try query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'torture\\_%'"))
    }

    /// The names, one a line, that end in the process id of a process this test run started
    /// (`torture_<stamp>_<seed>_<pid>`, then `_r<n>` for a command's later runs).
    static func ours(_ lines: String) -> Set<String> {
        let started = ChildProcess.started.withLock { $0 }
        return Set(lines.split(separator: "\n").map(String.init).filter { name in
            var parts = name.split(separator: "_")
            if let last = parts.last, last.hasPrefix("r"), Int(last.dropFirst()) != nil { parts.removeLast() }
            return parts.last.flatMap { pid_t($0) }.map(started.contains) ?? false
        })
    }

    /// A kept run's schema and its role, as the printed DROP command removes them.
    func dropRunSpace(_ name: String) throws {
        try query("DROP SCHEMA IF EXISTS \"\(name)\" CASCADE; DROP ROLE IF EXISTS \"\(name)\"")
    }

    static func psql(url: String, _ sql: String) throws -> String {
        let child = try ChildProcess(executable: "/usr/bin/env",
                                     arguments: ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        let code = child.exitCodeBlocking()
        guard code == 0 else {
            throw PSQLFailure(description: "psql failed (\(code)) on `\(sql)`: \(child.stderr)")
        }
        return child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct PSQLFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// A second throwaway cluster, for a test that kills its server.
struct DisposableCluster {
    let folder: String
    let url: String

    init() throws {
        folder = NSTemporaryDirectory() + "torture-pg-disposable-\(UUID().uuidString.prefix(8))"
        url = try Self.script(["start"], folder: folder).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func kill() throws {
        _ = try Self.script(["kill"], folder: folder)
    }

    func remove() {
        _ = try? Self.script(["stop"], folder: folder)
    }

    private static func script(_ arguments: [String], folder: String) throws -> String {
        let child = try ChildProcess(executable: TortureBinary.packageRoot + "/scripts/pg-cluster.sh", arguments: arguments,
                                     environment: ["TORTURE_PG_DIR": folder])
        let code = child.exitCodeBlocking()
        guard code == 0 else {
            throw TestDatabase.PSQLFailure(description: "scripts/pg-cluster.sh \(arguments.joined(separator: " ")) failed (\(code)): \(child.stderr)")
        }
        return child.stdout
    }
}
