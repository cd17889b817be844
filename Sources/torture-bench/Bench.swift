import Foundation
import TortureKit

/// `make bench`: the harness's claims per second on race-claim (SQLite, no faults) against a
/// plain loop running the same SQL on as many connections and threads. Both are measured in the
/// same process, alternating, so the machine's noise falls on both; the ratio is the figure.
@main
enum Bench {
    /// `TORTURE_BENCH_WORKERS=64` measures one count (for profiling one row).
    static let workerCounts = ProcessInfo.processInfo.environment["TORTURE_BENCH_WORKERS"]
        .map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1, 8, 64]
    /// `TORTURE_BENCH_ROUNDS=9` takes the median of more rounds.
    static let rounds = ProcessInfo.processInfo.environment["TORTURE_BENCH_ROUNDS"].flatMap { Int($0) } ?? 9
    /// `TORTURE_BENCH_SIDE=harness` (or `plain`) runs one side only, for profiling it alone.
    static let side = ProcessInfo.processInfo.environment["TORTURE_BENCH_SIDE"]
    /// `TORTURE_BENCH_MESSAGES=20000` lengthens each round (for profiling).
    static let messages = ProcessInfo.processInfo.environment["TORTURE_BENCH_MESSAGES"].flatMap { Int($0) } ?? 2_000

    /// `torture-bench [claims] [simulation] [handler] [postgres]`: every section when none is named;
    /// `postgres` runs when `TORTURE_DATABASE_URL` names a server.
    static func main() async {
        let sections = Set(CommandLine.arguments.dropFirst())
        do {
            if sections.isEmpty || sections.contains("claims") { try await run() }
            if sections.isEmpty || sections.contains("simulation") {
                print("")
                try await SimulationBench.run()
            }
            if sections.isEmpty || sections.contains("handler") {
                print("")
                try await HandlerBench.run()
            }
            if sections.isEmpty || sections.contains("postgres") {
                if let url = ProcessInfo.processInfo.environment["TORTURE_DATABASE_URL"], !url.isEmpty {
                    print("")
                    try await PostgresSimulationBench.run(url: url)
                } else if sections.contains("postgres") {
                    throw BenchFailure(message: "the postgres section needs TORTURE_DATABASE_URL=postgres://…")
                }
            }
        } catch {
            FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        var scenario = try ScenarioLoader.load(path: "scenarios/race-claim.yaml")
        // Overhead, not fault handling: no delays in either side.
        scenario.faults = .none
        let workload = Workload(messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
                                concurrentDeliveries: scenario.workload.concurrentDeliveries)
        let schedule = DeliverySchedule.make(seed: Seed(1), workload: workload)
        print("race-claim on SQLite: \(messages) messages × \(workload.deliveriesPerMessage) deliveries = \(schedule.count) claim attempts, no faults")
        print("median of \(rounds) alternating rounds; claims/s = claim attempts per second of processing;")
        print("harness ÷ plain = the median of each round's ratio")
        print("")
        print("workers  harness claims/s  plain loop claims/s  harness ÷ plain")
        for workers in workerCounts {
            var harness: [Double] = [], plain: [Double] = []
            for round in 0..<rounds {
                let folder = NSTemporaryDirectory() + "torture-bench-\(getpid())-\(workers)-\(round)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: folder) }
                if side != "plain" {
                    harness.append(try await harnessRate(scenario: scenario, workload: workload, workers: workers,
                                                         store: SQLiteStore(path: folder + "/harness.sqlite", isUserPath: false)))
                }
                if side != "harness" {
                    plain.append(try PlainLoop(scenario: scenario, schedule: schedule, workers: workers)
                        .run(store: SQLiteStore(path: folder + "/plain.sqlite", isUserPath: false)))
                }
            }
            let h = harness.isEmpty ? .nan : median(harness), p = plain.isEmpty ? .nan : median(plain)
            // Each round's two sides ran back to back: the median of their ratios leaves out the
            // rounds that a burst of load beside us fell on.
            let ratio = harness.count == plain.count ? median(zip(harness, plain).map { $0 / $1 }) : .nan
            func rate(_ value: Double) -> String { value.isNaN ? "-" : String(Int(value)) }
            print(pad(String(workers), 9) + pad(rate(h), 18) + pad(rate(p), 21) + (ratio.isNaN ? "-" : Formatting.decimal(ratio, places: 2)))
        }
    }

    static func harnessRate(scenario: Scenario, workload: Workload, workers: Int, store: SQLiteStore) async throws -> Double {
        deliveryRate(try await heldRun(scenario, workload: workload, workers: workers, store: store))
    }
}
