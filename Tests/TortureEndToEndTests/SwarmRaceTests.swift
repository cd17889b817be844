import Foundation
import Testing

/// Races written from public bug reports, one per class the simulation's gentle defaults hide:
/// a lost wakeup needs a quiet moment between arrivals, a late takeover needs a slow receive,
/// and a batch that is sent without a late joiner needs its window to run out between two
/// arrivals. Under `--swarm` (with no `simulated-latency:` in the files) each planted bug is
/// found within 20 seeds, and each fix holds under the same draws.
@Suite struct SwarmRaceTests {
    static let races = TortureBinary.packageRoot + "/Tests/scenarios/races"

    struct Race: CustomTestStringConvertible, Sendable {
        var naive: String
        var correct: String
        /// The invariant the planted bug breaks.
        var invariant: String
        var testDescription: String { naive }
    }

    static let all = [
        Race(naive: "lost-wakeup-naive", correct: "lost-wakeup", invariant: "sql:every-job-done"),
        Race(naive: "late-takeover-naive", correct: "late-takeover", invariant: "no-duplicate-submissions"),
        Race(naive: "batch-window-naive", correct: "batch-window", invariant: "sql:every-item-of-a-sent-batch-sent"),
    ]

    static func run(_ name: String, seed: Int, store: String = "sqlite", swarm: [String] = ["--swarm"]) async throws -> TortureBinary.Outcome {
        try await TortureBinary.run([
            "run", races + "/\(name).yaml", "--scheduler", "sim", "--seed", String(seed), "--store", store,
            "--report-dir", TortureBinary.reportDirectory(),
        ] + swarm)
    }

    static func caught(_ run: TortureBinary.Outcome, _ race: Race) -> Bool {
        #expect(run.exitCode == 0 || run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        return run.stdout.line(startingWith: race.invariant + " ")?.contains("VIOLATED") == true
    }

    static func firstCatch(_ race: Race, store: String = "sqlite") async throws -> Int? {
        for seed in 1...20 where caught(try await run(race.naive, seed: seed, store: store), race) {
            return seed
        }
        return nil
    }

    static func expectHolds(_ race: Race, seeds: ClosedRange<Int>, store: String = "sqlite") async throws {
        for seed in seeds {
            let run = try await run(race.correct, seed: seed, store: store)
            #expect(run.exitCode == 0, "\(race.correct) seed \(seed): \(run.stdout)\n\(run.stderr)")
        }
    }

    @Test(arguments: all)
    func theTwinIsFoundWithin20SwarmSeedsAndTheFixHolds(race: Race) async throws {
        #expect(try await Self.firstCatch(race) != nil, "\(race.naive) was not caught in 20 swarm seeds")
        try await Self.expectHolds(race, seeds: 1...30)
    }

    /// What makes the late takeover a race of its own: with the file's faults, no latency and a
    /// free worker for every takeover (64 workers, 40 messages), every takeover claims before the
    /// stale holder wakes and the stale submit is refused; only a receive slow enough to come
    /// after the stale holder's submit lets both write. (With few workers a busy pool makes a
    /// takeover late too; the swarm draws both.)
    @Test func theLateTakeoverNeedsASlowReceive() async throws {
        let race = Self.all[1]
        var quick = 0, slow = 0
        for seed in 1...10 {
            if Self.caught(try await Self.run(race.naive, seed: seed, swarm: ["--workers", "64", "--swarm-choices", "latency=none"]), race) { quick += 1 }
            if Self.caught(try await Self.run(race.naive, seed: seed, swarm: ["--workers", "64", "--swarm-choices", "latency=heavy-tailed"]), race) { slow += 1 }
        }
        #expect(quick == 0, "caught with no latency at all in \(quick) of 10 seeds")
        #expect(slow > 0, "not caught with a heavy tail on receives in 10 seeds")
    }
}

extension PostgresEndToEndTests {
    @Test(arguments: SwarmRaceTests.all)
    func aSwarmRaceIsFoundOnPostgresAndItsFixHolds(race: SwarmRaceTests.Race) async throws {
        #expect(try await SwarmRaceTests.firstCatch(race, store: database.url) != nil, "\(race.naive) not caught in 20 swarm seeds on PostgreSQL")
        try await SwarmRaceTests.expectHolds(race, seeds: 1...10, store: database.url)
    }
}
