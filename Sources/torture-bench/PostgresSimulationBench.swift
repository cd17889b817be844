import Foundation
import TortureKit

/// PostgreSQL's figures, when `TORTURE_DATABASE_URL` names a server: statements per second of
/// wall time in simulation (one statement in flight, lock waits taken back) against threads on
/// the same scenario, and each twin's seeds and seconds to its first failure in simulation.
enum PostgresSimulationBench {
    static let seedLimit = 10

    static func run(url text: String) async throws {
        let url = try PostgresURL(parsing: text)
        let stores = PostgresRunStores(url: url, processID: getpid(), stamp: "bench")
        var raceClaim = try ScenarioLoader.load(path: "scenarios/race-claim.yaml")
        raceClaim.faults = .none
        print("PostgreSQL at \(url.redacted)")
        print("race-claim, 16 workers, 200 messages, no faults: statements per second of wall time (set-up and checks included)")
        var rates: [String: [Double]] = [:]
        for _ in 0..<3 {
            for (name, scheduler) in [("threads", SchedulerChoice.threads), ("sim", .simulation)] {
                // Wall time: a simulated run's processing time is virtual.
                let began = ContinuousClock.now
                let report = try await run(raceClaim, messages: 200, scheduler: scheduler, seed: 1, stores: stores)
                let statements = report.latency.steps.map { Int($0.summary.count) }.reduce(0, +)
                rates[name, default: []].append(Double(statements) / seconds(since: began))
            }
        }
        let threads = median(rates["threads"]!), sim = median(rates["sim"]!)
        print("  threads \(Int(threads)) statements/s, sim \(Int(sim)) statements/s, sim ÷ threads \(Formatting.decimal(sim / threads, places: 2)) (median of 3)")
        print("")
        print("seeds and seconds to the first failure in simulation on PostgreSQL (16 workers, 200 messages; at most \(seedLimit) seeds)")
        let twins = try FileManager.default.contentsOfDirectory(atPath: "scenarios").filter { $0.hasSuffix("-naive.yaml") }.sorted()
        for file in twins {
            let scenario = try ScenarioLoader.load(path: "scenarios/\(file)")
            let began = ContinuousClock.now
            var found: Int?
            for seed in 1...seedLimit where found == nil {
                if try await run(scenario, messages: 200, scheduler: .simulation, seed: UInt64(seed), stores: stores).status == .violated {
                    found = seed
                }
            }
            let elapsed = seconds(since: began)
            print(pad(scenario.name, 26) + pad(found.map { "seed \($0)" } ?? "none", 10) + "\(Formatting.decimal(elapsed, places: 1)) s")
        }
    }

    private static func run(
        _ scenario: Scenario, messages: Int, scheduler: SchedulerChoice, seed: UInt64, stores: PostgresRunStores
    ) async throws -> RunReport {
        let store = try stores.makeStore(scenario: scenario.name, seed: Seed(seed))
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 16, messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries, seed: Seed(seed), store: store.commandLineValue,
            scenariosDirectory: nil, scheduler: scheduler
        )
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "bench").report
        // A violation keeps its schema for a post-mortem; the bench has no use for it.
        if report.status == .violated { try? store.dropRunSpace() }
        guard report.status == .held || report.status == .violated else {
            throw BenchFailure(message: "\(scenario.name) on PostgreSQL ended \(report.status): \(report.failureReason ?? "")")
        }
        return report
    }

}
