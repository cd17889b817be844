import Foundation
import Testing

/// The simulation on a real PostgreSQL server: sessions driven one statement at a time, a
/// statement that waits on another's row lock parked instead of hanging the one thread.
extension PostgresEndToEndTests {
    /// Every delivery bumps one counter row inside a transaction and stalls before committing,
    /// so every other delivery's UPDATE waits on that row lock.
    static let oneRowContention = """
        name: one-row-contention
        description: every delivery updates one counter row in a transaction and stalls before committing
        workload:
          messages: 24
          deliveries-per-message: 1
          concurrent-deliveries: 1
        faults:
          stall:
            before-commit: { probability: 1.0, min-millis: 5, max-millis: 5 }
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
                postgres: UPDATE counter SET n = n + 1 WHERE id = 1
              success: rows-affected
              on-success: done
              on-failure: fail
        invariants:
          - no-loss
          - sql:
              name: every-delivery-counted-once
              query:
                postgres: SELECT n FROM counter WHERE n <> 24
        """

    @Test func twoLanesContendingForOneRowLockRunToCompletionAndReplayExactly() async throws {
        let workspace = Workspace()
        let file = try workspace.write("one-row-contention.yaml", Self.oneRowContention)
        let reports = TortureBinary.reportDirectory()
        var hashes: [String] = []
        for _ in 0..<2 {
            let run = try await TortureBinary.run([
                "run", file, "--scheduler", "sim", "--workers", "4", "--seed", "7", "--store", database.url,
                "--check-determinism", "--report-dir", reports,
            ])
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("every-delivery-counted-once  held"), "\(run.stdout)")
            #expect(run.stdout.contains("determinism "), "\(run.stdout)")
            let waits = try #require(run.stdout.word(after: "lock waits").flatMap { Int($0) }, "\(run.stdout)")
            #expect(waits > 0, "the waiters must have parked on the row lock")
            hashes.append(try #require(run.stdout.word(after: "history")))
        }
        #expect(hashes[0] == hashes[1], "the same seed gives the same history on a real server")
    }

    /// A few catalogue scenarios, lock-heavy ones and twins among them, give the same history
    /// twice on the server (`scripts/determinism-sweep.sh` reruns the whole catalogue).
    @Test(arguments: ["counter-naive", "session-join-naive", "try-lock-skip", "dlq-redrive", "fanout"])
    func catalogueScenariosAreDeterministicOnPostgres(scenario: String) async throws {
        let run = try await TortureBinary.run([
            "run", scenario, "--scheduler", "sim", "--workers", "8", "--messages", "60", "--seed", "0x5eed", "--check-determinism",
            "--store", database.url, "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", TortureBinary.reportDirectory(),
        ])
        #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.line(startingWith: "determinism")?.contains("held") == true, "\(run.stdout)")
        if scenario.hasSuffix("-naive") {
            #expect(run.stdout.contains("VIOLATED"), "a twin is still caught, both times: \(run.stdout)")
        }
    }

    @Test func raceClaimNaiveFailsOnPostgresInSimulationAndReplaysExactly() async throws {
        let reports = TortureBinary.reportDirectory()
        var failed: (directory: String, hash: String)?
        for seed in 1...10 where failed == nil {
            let run = try await TortureBinary.run([
                "run", "race-claim-naive", "--scheduler", "sim", "--workers", "16", "--messages", "200", "--seed", String(seed),
                "--store", database.url, "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports,
            ])
            #expect(run.exitCode == 0 || run.exitCode == 1, "\(run.stderr)")
            if run.exitCode == 1, let directory = run.stdout.line(startingWith: "report: ").map({ String($0.dropFirst("report: ".count)) }),
               let hash = run.stdout.word(after: "history") {
                failed = (directory, hash)
            }
        }
        let (directory, hash) = try #require(failed, "race-claim-naive was not caught on PostgreSQL in simulation in 10 seeds")
        for _ in 0..<3 {
            let replay = try await TortureBinary.run(["replay", directory, "--store", database.url, "--report-dir", reports])
            #expect(replay.exitCode == 1)
            #expect(replay.stdout.contains("with the same witnesses and the same history (\(hash))"), "\(replay.stdout)")
        }
    }
}
