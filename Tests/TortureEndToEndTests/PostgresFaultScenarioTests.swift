import Foundation
import Testing

/// The fault catalogue on PostgreSQL, in the serialized PostgreSQL suite so no two runs share the
/// server at once: every correct protocol holds and drops its schema; every planted bug is caught
/// and keeps its schema for a post-mortem.
extension PostgresEndToEndTests {
    static let correctUnderFaults = [
        "dlq-redrive", "visibility-timeout", "stale-republish", "dlq-reprocess", "fanout", "burst", "rate-limit",
        "fault-matrix", "circuit-breaker", "session-join", "try-lock-skip", "counter", "audit", "submit-retry",
    ]
    static let naiveUnderFaults = [
        "dlq-redrive-naive", "visibility-timeout-naive", "stale-republish-naive", "dlq-reprocess-naive", "fanout-naive",
        "rate-limit-naive", "circuit-breaker-naive", "session-join-naive", "try-lock-skip-naive", "submit-retry-naive", "counter-naive",
        "audit-naive",
    ]

    @Test("every correct protocol holds under its faults on PostgreSQL", arguments: correctUnderFaults)
    func correctProtocolHoldsOnPostgres(scenario: String) async throws {
        let before = try database.runSchemas()
        let outcome = try await runOnPostgres(scenario, seed: "0x21")
        #expect(outcome.exitCode == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("lost 0, duplicated 0, unexpected 0"))
        #expect(try database.runSchemas() == before, "a passing run must drop its schema")
    }

    @Test("every planted bug is caught on PostgreSQL within 5 seeds", arguments: naiveUnderFaults)
    func naiveTwinCaughtOnPostgres(scenario: String) async throws {
        let before = try database.runSchemas()
        var caught = false
        for seed in 1...5 where !caught {
            let outcome = try await runOnPostgres(scenario, seed: String(seed))
            #expect(outcome.exitCode == 0 || outcome.exitCode == 1, "stderr: \(outcome.stderr)")
            caught = outcome.exitCode == 1
        }
        #expect(caught, "\(scenario) held on PostgreSQL for 5 seeds")
        // Each violation kept its schema; drop them so the server ends as it began.
        for schema in try database.runSchemas().subtracting(before) {
            try database.dropRunSpace(schema)
        }
    }

    private func runOnPostgres(_ scenario: String, seed: String) async throws -> TortureBinary.Outcome {
        let arguments = ["run", scenario, "--workers", "32", "--seed", seed, "--store", database.url,
                         "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", TortureBinary.reportDirectory()]
        return try await TortureBinary.run(arguments)
    }
}

extension PostgresEndToEndTests {
    @Test("a soak on PostgreSQL gives every run a schema of its own and drops those that held")
    func soakOnPostgres() async throws {
        let before = try database.runSchemas()
        let reports = TortureBinary.reportDirectory()
        let common = ["--messages", "150", "--workers", "16", "--seed-start", "7", "--store", database.url,
                      "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports]
        let held = try await TortureBinary.run(["soak", "race-claim", "fanout", "--runs", "4"] + common)
        #expect(held.exitCode == 0, "stdout: \(held.stdout)\nstderr: \(held.stderr)")
        #expect(try database.runSchemas() == before, "runs that held must drop their schemas")

        let caught = try await TortureBinary.run(["soak", "race-claim-naive", "--runs", "5"] + common)
        #expect(caught.exitCode == 1, "stdout: \(caught.stdout)\nstderr: \(caught.stderr)")
        #expect(caught.stdout.contains("repro: torture run race-claim-naive"))
        let kept = try database.runSchemas().subtracting(before)
        #expect(kept.count == 1 && kept.first?.hasPrefix("torture_soak") == true, "the violated run keeps its schema: \(kept)")
        for schema in kept { try database.dropRunSpace(schema) }
    }
}
