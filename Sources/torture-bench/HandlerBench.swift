import Foundation
import TortureKit

/// `torture-bench handler`: what it costs to run the handler as a Python child per worker
/// (docs/handler-protocol.md) instead of YAML steps. The same protocol, store, workers and
/// messages on both sides, no faults, alternating rounds in one process; then a handler that does
/// nothing against one trivial step, for the microseconds a delivery spends in the round trip.
enum HandlerBench {
    static let rounds = 5
    /// More messages at 16 workers: its 16 cold starts share the cores at the start of the run.
    static let tableRows: [(workers: Int, messages: Int)] = [(1, 4_000), (16, 8_000)]
    static let overheadMessages = 5_000

    static func run() async throws {
        let yaml = try steadyScenario("scenarios/idempotent-submit.yaml")
        let python = try steadyScenario("bench/handler/idempotent-submit.yaml")
        print("handler: a Python SDK handler (.venv/bin/python, stdlib sqlite3), one child per worker, against the same protocol as YAML steps")
        print("idempotent-submit on SQLite (a fresh file per round), no faults: check by message_id, then INSERT … ON CONFLICT DO NOTHING")
        print("YAML scenarios/idempotent-submit.yaml, Python bench/handler/idempotent_submit.py; median of \(rounds) alternating rounds")
        print("deliveries/s over the run's processing time, the children's cold starts (one per worker, before its first delivery) included")
        print("")
        print("workers  deliveries  YAML deliveries/s  Python handler deliveries/s  handler ÷ YAML  cold start p50")
        for (workers, messages) in tableRows {
            let workload = Workload(messages: messages, deliveriesPerMessage: yaml.workload.deliveriesPerMessage,
                                    concurrentDeliveries: yaml.workload.concurrentDeliveries)
            var yamlRates: [Double] = [], pythonRates: [Double] = [], coldStarts: [Double] = []
            var deliveries = 0
            for _ in 0..<rounds {
                let yamlReport = try await run(yaml, workload: workload, workers: workers)
                let pythonReport = try await run(python, workload: workload, workers: workers)
                deliveries = try sameDeliveries(yamlReport, pythonReport)
                yamlRates.append(deliveryRate(yamlReport))
                pythonRates.append(deliveryRate(pythonReport))
                coldStarts.append(pythonReport.handler?.coldStartP50Millis ?? 0)
            }
            let y = median(yamlRates), p = median(pythonRates)
            print(pad(String(workers), 9) + pad(String(deliveries), 12) + pad(String(Int(y)), 19) + pad(String(Int(p)), 29)
                  + pad(Formatting.decimal(p / y, places: 2), 16) + "\(Formatting.decimal(median(coldStarts), places: 1)) ms")
        }
        print("")
        try await overhead()
    }

    /// A delivery's round trip: the Python loop and the JSON lines each way, with the work taken
    /// out (both sides do next to none).
    private static func overhead() async throws {
        let step = try steadyScenario("bench/handler/noop-step.yaml")
        let handler = try steadyScenario("bench/handler/noop-handler.yaml")
        let workload = Workload(messages: overheadMessages, deliveriesPerMessage: 1, concurrentDeliveries: 1)
        var stepRates: [Double] = [], handlerRates: [Double] = [], coldStarts: [Double] = []
        var deliveries = 0
        for _ in 0..<rounds {
            let stepReport = try await run(step, workload: workload, workers: 1)
            let handlerReport = try await run(handler, workload: workload, workers: 1)
            deliveries = try sameDeliveries(stepReport, handlerReport)
            let coldStart = try onlyColdStartMillis(handlerReport)
            stepRates.append(deliveryRate(stepReport))
            handlerRates.append(Double(deliveries) / ((handlerReport.timing.processingMillis - coldStart) / 1_000))
            coldStarts.append(coldStart)
        }
        let y = median(stepRates), p = median(handlerRates)
        print("per-delivery protocol overhead, 1 worker, \(deliveries) deliveries, no faults: bench/handler/noop.py (returns done, no SQL)")
        print("against bench/handler/noop-step.yaml (one step, SELECT 1, then done); the child's one cold start is taken out of its")
        print("processing time and shown on its own; median of \(rounds) alternating rounds")
        print("  YAML step       \(Int(y)) deliveries/s  (\(Formatting.decimal(1e6 / y, places: 1)) µs a delivery)")
        print("  Python handler  \(Int(p)) deliveries/s  (\(Formatting.decimal(1e6 / p, places: 1)) µs a delivery)")
        print("  overhead        \(Formatting.decimal((1 / p - 1 / y) * 1e6, places: 1)) µs a delivery (1/handler − 1/YAML)")
        print("  cold start p50  \(Formatting.decimal(median(coldStarts), places: 1)) ms (spawn to init_ok)")
    }

    /// Overhead, not fault handling: no faults, and no lease that expires. A cold start on a busy
    /// machine can outlast the default 1 s visibility timeout, and the redelivery it causes would
    /// give the handler's side more deliveries than the YAML side.
    private static func steadyScenario(_ path: String) throws -> Scenario {
        var scenario = try ScenarioLoader.load(path: path)
        scenario.faults = .none
        scenario.delivery.visibilityTimeoutMillis = 60_000
        return scenario
    }

    private static func run(_ scenario: Scenario, workload: Workload, workers: Int) async throws -> RunReport {
        let folder = NSTemporaryDirectory() + "torture-bench-handler-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await heldRun(scenario, workload: workload, workers: workers, store: SQLiteStore(path: folder + "/store.sqlite", isUserPath: false))
    }

    /// Both sides of a pair must have handled as many deliveries, or their rates do not compare.
    private static func sameDeliveries(_ yaml: RunReport, _ handler: RunReport) throws -> Int {
        guard yaml.counts.deliveries == handler.counts.deliveries else {
            throw BenchFailure(message: "\(yaml.scenario.name) made \(yaml.counts.deliveries) deliveries, \(handler.scenario.name) \(handler.counts.deliveries)")
        }
        return yaml.counts.deliveries
    }

    /// At one worker with no faults there is one child, started before the first delivery: its
    /// start is serial with the deliveries, so it can be taken out of the processing time exactly.
    private static func onlyColdStartMillis(_ report: RunReport) throws -> Double {
        guard let handler = report.handler, handler.coldStarts == 1 else {
            throw BenchFailure(message: "\(report.scenario.name): expected one cold start, got \(report.handler?.coldStarts ?? 0)")
        }
        return handler.coldStartP50Millis
    }
}
