import Foundation
import TortureKit

/// The simulation's figures: scheduled jobs per second with the real processors, simulated runs
/// per second, and for each -naive twin the seeds and seconds to its first failure on real
/// threads, in simulation and under PCT.
enum SimulationBench {
    static let twins = [
        "race-claim-naive", "idempotent-submit-naive", "dlq-redrive-naive", "visibility-timeout-naive",
        "stale-republish-naive", "dlq-reprocess-naive", "fanout-naive", "rate-limit-naive",
    ]
    static let seedLimit = 20

    static func run() async throws {
        var raceClaim = try ScenarioLoader.load(path: "scenarios/race-claim.yaml")
        raceClaim.faults = .none
        let jobsRun = try await timed(raceClaim, workers: 64, messages: 2_000, scheduler: .simulation)
        let overhead = await SchedulerOverheadBench.run()
        print("simulation scheduler alone: \(Int(Double(overhead.jobs) / overhead.seconds)) jobs/s (64 actors yielding, \(overhead.jobs) jobs)")
        print("simulation with the real processors: \(Int(Double(jobsRun.jobs) / jobsRun.seconds)) scheduled jobs/s "
              + "(race-claim, 64 processors, 2000 messages, no faults: \(jobsRun.jobs) jobs in \(Formatting.decimal(jobsRun.seconds, places: 2)) s)")

        let withFaults = try ScenarioLoader.load(path: "scenarios/race-claim.yaml")
        let began = ContinuousClock.now
        let runs = 10
        for seed in 1...runs { _ = try await timed(withFaults, workers: 16, messages: 1_000, scheduler: .simulation, seed: UInt64(seed)) }
        let runSeconds = seconds(since: began)
        print("race-claim in simulation (16 workers, 1000 messages, its faults): \(Formatting.decimal(Double(runs) / runSeconds, places: 2)) runs/s")
        print("")
        print("seeds and seconds to the first failure (64 workers on threads, 16 in sim and pct depth 3; at most \(seedLimit) seeds)")
        print(pad("twin", 26) + pad("threads", 16) + pad("sim", 16) + "pct")
        for twin in twins {
            let scenario = try ScenarioLoader.load(path: "scenarios/\(twin).yaml")
            var cells: [String] = []
            for (scheduler, workers) in [(SchedulerChoice.threads, 64), (.simulation, 16), (.pct(depth: 3), 16)] {
                let began = ContinuousClock.now
                var found: Int?
                for seed in 1...seedLimit where found == nil {
                    if try await violated(scenario, workers: workers, scheduler: scheduler, seed: UInt64(seed)) { found = seed }
                }
                let elapsed = Formatting.decimal(seconds(since: began), places: 2)
                cells.append(found.map { "\($0) in \(elapsed) s" } ?? "none in \(elapsed) s")
            }
            print(pad(twin, 26) + pad(cells[0], 16) + pad(cells[1], 16) + cells[2])
        }
    }

    private static func timed(
        _ scenario: Scenario, workers: Int, messages: Int, scheduler: SchedulerChoice, seed: UInt64 = 1
    ) async throws -> (jobs: Int, seconds: Double) {
        let began = ContinuousClock.now
        let report = try await run(scenario, workers: workers, messages: messages, scheduler: scheduler, seed: seed)
        return (report.simulation?.jobsRun ?? 0, seconds(since: began))
    }

    private static func violated(_ scenario: Scenario, workers: Int, scheduler: SchedulerChoice, seed: UInt64) async throws -> Bool {
        try await run(scenario, workers: workers, messages: scenario.workload.messages, scheduler: scheduler, seed: seed).status == .violated
    }

    private static func run(_ scenario: Scenario, workers: Int, messages: Int, scheduler: SchedulerChoice, seed: UInt64) async throws -> RunReport {
        let folder = NSTemporaryDirectory() + "torture-bench-sim-\(getpid())-\(seed)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteStore(path: folder + "/store.sqlite", isUserPath: false)
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: workers, messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries, seed: Seed(seed), store: store.commandLineValue,
            scenariosDirectory: nil, scheduler: scheduler
        )
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "bench").report
        guard report.status == .held || report.status == .violated else {
            throw BenchFailure(message: "\(scenario.name) ended \(report.status): \(report.failureReason ?? "")")
        }
        return report
    }

}

/// The scheduler alone: actors on simulation lanes that do nothing but yield, so every job is
/// the scheduler's own cost (pick a lane, run a job, re-enqueue).
enum SchedulerOverheadBench {
    actor Yielder {
        let lane: SimulationLane
        nonisolated var unownedExecutor: UnownedSerialExecutor { lane.asUnownedSerialExecutor() }

        init(lane: SimulationLane) {
            self.lane = lane
        }

        func spin(_ times: Int) async {
            for _ in 0..<times { await Task.yield() }
        }
    }

    static func run(actors: Int = 64, yields: Int = 20_000) async -> (jobs: Int, seconds: Double) {
        let scheduler = SimulationScheduler(seed: Seed(1), strategy: .random)
        let yielders = (0..<actors).map { _ in Yielder(lane: scheduler.makeLane()) }
        let taskLane = scheduler.taskExecutor!
        let began = ContinuousClock.now
        let (_, statistics) = await scheduler.run {
            await withTaskGroup(of: Void.self) { group in
                for yielder in yielders { group.addTask(executorPreference: taskLane) { await yielder.spin(yields) } }
            }
        }
        let elapsed = ContinuousClock.now - began
        return (statistics.jobsRun, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
