@testable import TortureKit

struct FixedWallClock: WallClock {
    func stamp() -> WallClockStamp { WallClockStamp(iso8601: "2026-01-02T03:04:05.000Z", folder: "20260102-030405") }
}

extension SoakLoop {
    /// A small in-process soak of built-in scenarios, on SQLite files in `directory`.
    static func small(
        _ names: [String], runs: Int, keepGoing: Bool = false, messages: Int = 200, workers: Int = 16, in directory: TemporaryDirectory,
        cancellation: SoakCancellation = SoakCancellation(), stores: (any StoreProvider)? = nil
    ) throws -> SoakLoop {
        let scenarios = try names.map { name in
            let scenario = try Repository.scenario(name)
            return SoakScenario(scenario: scenario, configuration: RunConfiguration(
                scenario: name, workers: workers, messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
                concurrentDeliveries: scenario.workload.concurrentDeliveries, seed: Seed(0), store: "sqlite",
                scenariosDirectory: Repository.scenarios))
        }
        let seeds = SeedSequence(start: Seed(0x5EED), shard: .whole)
        return SoakLoop(
            scenarios: scenarios, seeds: seeds, limit: .runs(runs), keepGoing: keepGoing,
            header: .init(startedAt: "2026-01-02T03:04:05.000Z", seedStart: seeds.start, shard: seeds.shard, limit: .runs(runs),
                          keepGoing: keepGoing, workers: workers, store: "sqlite"),
            reportFailedRun: ReportWriter(root: directory.path + "/reports").failedRunReporter(wallClock: FixedWallClock()), stores: stores ?? TemporarySQLiteStores(parent: directory.path),
            clock: RealClock(), wallClock: FixedWallClock(), reproLine: Self.testReproLine, cancellation: cancellation
        )
    }
}

extension SoakLoop {
    /// A repro line for tests: the CLI's own spelling lives in the CLI.
    @Sendable static func testReproLine(_ configuration: RunConfiguration) -> String {
        "torture run \(configuration.scenario) --seed \(configuration.seed)"
    }
}

enum Outcomes {
    /// One engine run of a built-in scenario on a fresh SQLite file.
    static func run(_ name: String, seed: UInt64, messages: Int = 200, workers: Int = 16, in directory: TemporaryDirectory) async throws
        -> RunEngine.Outcome {
        let scenario = try Repository.scenario(name)
        let configuration = RunConfiguration(
            scenario: name, workers: workers, messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries, seed: Seed(seed), store: "sqlite", scenariosDirectory: nil)
        let store = directory.sqliteStore("\(name)-\(seed).sqlite")
        defer { store.removeFiles() }
        var outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "2026-01-02T03:04:05.000Z")
        outcome.report.repro = SoakLoop.testReproLine(configuration)
        return outcome
    }

    /// The first seed from 1 on that the naive twin is caught with.
    static func violated(_ name: String = "race-claim-naive", in directory: TemporaryDirectory) async throws -> RunEngine.Outcome {
        for seed in UInt64(1)...10 {
            let outcome = try await run(name, seed: seed, in: directory)
            if outcome.report.status == .violated { return outcome }
        }
        throw CaughtNever()
    }

    struct CaughtNever: Error {}
}
