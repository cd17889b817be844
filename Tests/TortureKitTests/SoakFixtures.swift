@testable import TortureKit

struct FixedWallClock: WallClock {
    func stamp() -> WallClockStamp { WallClockStamp(iso8601: "2026-01-02T03:04:05.000Z", folder: "20260102-030405") }
}

extension SoakLoop {
    /// A small in-process soak of built-in scenarios, on SQLite files in `directory`.
    static func small(
        _ names: [String], runs: Int, keepGoing: Bool = false, messages: Int = 200, workers: Int = 16, in directory: TemporaryDirectory,
        cancellation: SoakCancellation = SoakCancellation()
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
            reportRoot: directory.path + "/reports", stores: TemporarySQLiteStores(folder: directory.path + "/stores"),
            clock: RealClock(), wallClock: FixedWallClock(), cancellation: cancellation
        )
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
        return await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "2026-01-02T03:04:05.000Z")
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
