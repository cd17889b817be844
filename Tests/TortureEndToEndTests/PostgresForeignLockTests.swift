import Foundation
import Testing

/// The simulation shares the server with other clients: a lock one of them holds is waited out
/// like a slow statement, not parked on as if a lane of the run held it, so the interleaving and
/// the history stay those of the run alone.
extension PostgresEndToEndTests {
    /// An advisory lock is the server's, not the schema's: a client outside the run can hold it.
    static let advisoryLockKey = 1_886_549_109

    /// Every delivery takes the same advisory lock in its transaction, then bumps one counter.
    static let advisoryContention = """
        name: advisory-contention
        description: every delivery takes one advisory lock in its transaction and bumps a counter
        workload:
          messages: 16
          deliveries-per-message: 1
          concurrent-deliveries: 1
        faults:
          stall:
            before-commit: { probability: 0.5, min-millis: 2, max-millis: 4 }
        protocol:
          schema:
            postgres: |
              CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
              INSERT INTO counter VALUES (1, 0);
          transaction: read-committed
          steps:
            - name: bump
              role: write
              sql:
                postgres: UPDATE counter SET n = n + 1 WHERE id = 1 AND pg_advisory_xact_lock(\(advisoryLockKey))::text = ''
              success: rows-affected
              on-success: done
              on-failure: fail
        invariants:
          - no-loss
          - sql:
              name: every-delivery-counted-once
              query:
                postgres: SELECT n FROM counter WHERE n <> 16
        """

    @Test("a lock another client of the server holds is waited out: the history is the run's alone")
    func aLockHeldOutsideTheRunLeavesTheHistoryAsItWas() async throws {
        let workspace = Workspace()
        let file = try workspace.write("advisory-contention.yaml", Self.advisoryContention)
        let arguments = ["run", file, "--scheduler", "sim", "--workers", "4", "--seed", "7", "--store", database.url,
                         "--report-dir", workspace.reports]
        let alone = try await TortureBinary.run(arguments)
        #expect(alone.exitCode == 0, "\(alone.stdout)\n\(alone.stderr)")
        let history = try #require(alone.stdout.word(after: "history"), "\(alone.stdout)")
        let lockWaits = try #require(alone.stdout.word(after: "lock waits").flatMap { Int($0) }, "\(alone.stdout)")
        #expect(lockWaits > 0, "the run's own lanes wait on each other's lock")

        let application = "torture-test-foreign-holder"
        let holder = try ChildProcess(executable: "/usr/bin/env", arguments: [
            "psql", database.url, "-X", "-q", "-At", "-c", "SELECT pg_advisory_lock(\(Self.advisoryLockKey)); SELECT pg_sleep(60)",
        ], environment: ["PGAPPNAME": application])
        defer { _ = try? database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(application)'") }
        let advisory = "FROM pg_locks WHERE locktype = 'advisory' AND objid = \(Self.advisoryLockKey)"
        try await waitUntil("the outside client holds the lock") { try database.query("SELECT count(*) \(advisory) AND granted") == "1" }

        let beside = try TortureBinary.Running(arguments)
        try await waitUntil("a statement of the run waits on the outside client's lock") {
            try database.query("SELECT count(*) \(advisory) AND NOT granted") == "1"
        }
        // Long enough for the driver to ask the server who blocks it many times over.
        try await Task.sleep(for: .milliseconds(300))
        try database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(application)'")
        _ = holder.exitCodeBlocking()
        let outcome = await beside.finish()

        #expect(outcome.exitCode == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.word(after: "history") == history,
                "the same seed gives the same history with another client on the server:\n\(alone.stdout)\n\(outcome.stdout)")
        #expect(outcome.stdout.word(after: "lock waits").flatMap { Int($0) } == lockWaits, "only the run's own locks are waits: \(outcome.stdout)")
    }

    @Test("a lock another client holds past the answer timeout ends the run with exit 3, naming the holder, in one timeout")
    func aLockHeldOutsideTheRunPastTheTimeoutIsAStoreFailure() async throws {
        let workspace = Workspace()
        let file = try workspace.write("advisory-contention.yaml", Self.advisoryContention)
        let application = "torture-test-foreign-holder-for-good"
        let holder = try ChildProcess(executable: "/usr/bin/env", arguments: [
            "psql", database.url, "-X", "-q", "-At", "-c", "SELECT pg_advisory_lock(\(Self.advisoryLockKey)); SELECT pg_sleep(120)",
        ], environment: ["PGAPPNAME": application])
        defer {
            _ = try? database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(application)'")
            _ = holder.exitCodeBlocking()
        }
        try await waitUntil("the outside client holds the lock") {
            try database.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(Self.advisoryLockKey) AND granted") == "1"
        }
        let holderProcess = try database.query("SELECT pid FROM pg_stat_activity WHERE application_name = '\(application)'")
        // 8 lanes each waiting out the 5 s answer timeout in turn would take 40 s.
        let running = try TortureBinary.Running(["run", file, "--scheduler", "sim", "--workers", "8", "--seed", "7", "--store", database.url,
                                                 "--report-dir", workspace.reports])
        let run = await running.finish()
        #expect(run.exitCode == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("on a lock held by server process \(holderProcess) (application \(application), active: SELECT pg_advisory_lock("),
                "the holder is named with what it runs: \(run.stdout)")
        #expect(run.stdout.contains("not a session of this run"), "\(run.stdout)")
        #expect(run.seconds < 25, "the lanes after the first fail at once on the same holder: took \(run.seconds) s")
        try await waitUntil("no session of the run is left waiting on the lock") {
            try database.query("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'torture\\_%\\_\(running.pid)'") == "0"
        }
    }

    /// Polls `condition` every 20 ms for up to 60 s.
    private func waitUntil(_ what: String, _ condition: () throws -> Bool) async throws {
        let started = ContinuousClock.now
        while try !condition() {
            try #require(ContinuousClock.now - started < .seconds(60), "timed out waiting until \(what)")
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
