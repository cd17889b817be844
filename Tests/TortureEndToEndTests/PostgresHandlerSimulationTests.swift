import Foundation
import Testing

/// Handler processes under the simulation on a real server: every statement waits at the wire
/// proxy for its lane's turn, so a seed gives one interleaving — the same history, the same
/// witnesses — on every run, its repro line and its replay.
extension PostgresEndToEndTests {
    static let handlerScenarios = TortureBinary.packageRoot + "/Tests/scenarios/handlers"

    @Test func aFailingSeedOfTheUnkeyedLambdaFailsAgainWithTheSameHistoryFromItsReproLineAndItsReplay() async throws {
        let reports = TortureBinary.reportDirectory()
        let run = try await TortureBinary.run([
            "run", HandlerExampleTests.examples + "/seed000/check-then-insert-no-unique.yaml", "--scheduler", "sim", "--seed", "3",
            "--messages", "40", "--workers", "4", "--store", database.url, "--report-dir", reports,
        ])
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("no-duplicate-submissions                      VIOLATED"), "\(run.stdout)")
        let hash = try #require(run.stdout.word(after: "history"), "\(run.stdout)")

        let repro = try #require(run.stdout.line(startingWith: "repro: torture "))
        let words = repro.dropFirst("repro: torture ".count).split(separator: " ").map { $0.replacingOccurrences(of: "'", with: "") }
        let again = try await TortureBinary.run(words + ["--report-dir", reports])
        #expect(again.exitCode == 1, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.word(after: "history") == hash, "the repro line gives the same interleaving: \(again.stdout)")

        let directory = try #require(run.stdout.line(startingWith: "report: ").map { String($0.dropFirst("report: ".count)) })
        let replay = try await TortureBinary.run(["replay", directory, "--report-dir", reports])
        #expect(replay.exitCode == 1, "\(replay.stdout)\n\(replay.stderr)")
        #expect(replay.stdout.contains("with the same witnesses and the same history (\(hash))"), "\(replay.stdout)")
    }

    @Test(arguments: ["check-then-insert", "check-then-insert-no-unique", "check-then-insert-swallow"])
    func theSeedLambdaAndItsTwinsAreDeterministicInSimulation(example: String) async throws {
        let run = try await TortureBinary.run([
            "run", HandlerExampleTests.examples + "/seed000/\(example).yaml", "--scheduler", "sim", "--seed", "2", "--messages", "40",
            "--workers", "4", "--check-determinism", "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
        ])
        // Exit 0 under --check-determinism: the seed gave the same history twice, a twin's violations included.
        #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.line(startingWith: "determinism")?.contains("held") == true, "\(run.stdout)")
        #expect(run.stdout.contains("VIOLATED") == example.hasSuffix("-no-unique") || example.hasSuffix("-swallow"), "\(run.stdout)")
    }

    @Test func aHandlerThatTossesACoinNoSeedControlsIsReportedAtTheFirstStatementWhereTheRunsPart() async throws {
        let unseeded = try await TortureBinary.run([
            "run", Self.handlerScenarios + "/coin.yaml", "--scheduler", "sim", "--seed", "1", "--workers", "2",
            "--check-determinism", "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
        ])
        #expect(unseeded.exitCode == 1, "\(unseeded.stdout)\n\(unseeded.stderr)")
        #expect(unseeded.stdout.line(startingWith: "determinism")?.contains("VIOLATED") == true, "\(unseeded.stdout)")
        let witness = try #require(unseeded.stdout.split(separator: "\n").first { $0.contains("the histories diverge at event") },
                                   "\(unseeded.stdout)")
        #expect(witness.contains("statement of m-") && witness.contains("SELECT count(*) FROM seen"), "\(witness)")

        let seeded = try await TortureBinary.run([
            "run", Self.handlerScenarios + "/coin-seeded.yaml", "--scheduler", "sim", "--seed", "1", "--workers", "2",
            "--check-determinism", "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
        ])
        #expect(seeded.exitCode == 0, "the SDK's random() is the seed's: \(seeded.stdout)\n\(seeded.stderr)")
        #expect(seeded.stdout.line(startingWith: "determinism")?.contains("held") == true, "\(seeded.stdout)")
    }

    @Test func twoHandlersContendingForOneRowLockFinishWithTheWaiterParked() async throws {
        for seed in 1...3 {
            let run = try await TortureBinary.run([
                "run", Self.handlerScenarios + "/row-lock.yaml", "--scheduler", "sim", "--seed", String(seed), "--workers", "2",
                "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
            ])
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("sql:every-increment-counted  held"), "\(run.stdout)")
            let waits = try #require(run.stdout.word(after: "lock waits").flatMap { Int($0) }, "\(run.stdout)")
            #expect(waits > 0, "seed \(seed): a delivery asked for the row while the other held it across its stall")
        }
    }
}
