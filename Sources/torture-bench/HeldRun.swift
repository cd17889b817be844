import TortureKit

/// One round of a section: `scenario` through the run engine on `store`, on threads, seed 1. The
/// run must hold: a violation or a failed store would make its rate meaningless.
func heldRun(_ scenario: Scenario, workload: Workload, workers: Int, store: SQLiteStore) async throws -> RunReport {
    let configuration = RunConfiguration(
        scenario: scenario.name, workers: workers, messages: workload.messages,
        deliveriesPerMessage: workload.deliveriesPerMessage, concurrentDeliveries: workload.concurrentDeliveries,
        seed: Seed(1), store: store.commandLineValue, scenariosDirectory: nil
    )
    let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "bench").report
    guard report.status == .held else { throw BenchFailure(message: "\(scenario.name) ended \(report.status): \(report.failureReason ?? "")") }
    return report
}

/// Deliveries per second of the run's processing time (first delivery handed out to last finished).
func deliveryRate(_ report: RunReport) -> Double {
    Double(report.counts.deliveries) / (report.timing.processingMillis / 1_000)
}
