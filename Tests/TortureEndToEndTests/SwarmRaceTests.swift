import Foundation
import Testing

/// A race that needs a quiet moment between arrivals — a lost wakeup — is found under `--swarm`
/// (small message counts, bursts and spread arrivals, per-seed latency), and its fix holds
/// under the same draws.
@Suite struct SwarmRaceTests {
    static let races = TortureBinary.packageRoot + "/Tests/scenarios/races"

    static func run(_ name: String, seed: Int, store: String = "sqlite") async throws -> TortureBinary.Outcome {
        try await TortureBinary.run([
            "run", races + "/\(name).yaml", "--swarm", "--scheduler", "sim", "--seed", String(seed), "--store", store,
            "--report-dir", TortureBinary.reportDirectory(),
        ])
    }

    static func firstCatch(store: String = "sqlite") async throws -> Int? {
        for seed in 1...20 {
            let run = try await run("lost-wakeup-naive", seed: seed, store: store)
            #expect(run.exitCode == 0 || run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
            if run.stdout.line(startingWith: "sql:every-job-done ")?.contains("VIOLATED") == true { return seed }
        }
        return nil
    }

    @Test func theLostWakeupIsFoundWithin20SwarmSeedsAndItsFixHolds() async throws {
        #expect(try await Self.firstCatch() != nil, "lost-wakeup-naive was not caught in 20 swarm seeds")
        for seed in 1...30 {
            let run = try await Self.run("lost-wakeup", seed: seed)
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
        }
    }
}

extension PostgresEndToEndTests {
    @Test func theLostWakeupIsFoundUnderSwarmOnPostgresAndItsFixHolds() async throws {
        #expect(try await SwarmRaceTests.firstCatch(store: database.url) != nil, "not caught in 20 swarm seeds on PostgreSQL")
        for seed in 1...10 {
            let run = try await SwarmRaceTests.run("lost-wakeup", seed: seed, store: database.url)
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
        }
    }
}
