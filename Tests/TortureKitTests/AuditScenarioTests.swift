import Testing
@testable import TortureKit

/// The auditor of `audit` and `audit-naive` on SQLite: its sum of two step values runs as written,
/// and both hold, because a transaction there takes the write lock when it begins (the twin is
/// caught on PostgreSQL: TortureEndToEndTests/PostgresTypedStepValueTests).
@Suite(.serialized) struct AuditScenarioTests {
    @Test func theTwinDiffersOnlyInTheAuditorsIsolation() throws {
        let scenario = try Repository.scenario("audit")
        let twin = try Repository.scenario("audit-naive")
        #expect(scenario.actors.map(\.machine.isolation) == [.repeatableRead])
        #expect(twin.actors.map(\.machine.isolation) == [.readCommitted])
        #expect(twin.workload == scenario.workload && twin.faults == scenario.faults && twin.delivery == scenario.delivery)
        #expect(twin.invariants.map(\.name) == scenario.invariants.map(\.name))
        #expect(twin.actors.map { $0.machine.protocolSteps.map(\.name) } == scenario.actors.map { $0.machine.protocolSteps.map(\.name) })
    }

    @Test(arguments: ["audit", "audit-naive"])
    func bothHoldOnSQLite(name: String) async throws {
        let scenario = try Repository.scenario(name)
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: name, workers: 8, messages: 120, deliveriesPerMessage: 2, concurrentDeliveries: 2, seed: Seed(7),
            store: store.commandLineValue, scenariosDirectory: nil)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        #expect(outcome.report.status == .held, "\(outcome.report.verdicts)")
        let audits = Array(outcome.history).filter { $0.subject == "audit" && $0.kind == .ok }
        #expect(!audits.isEmpty, "the auditor recorded sums")
    }
}
