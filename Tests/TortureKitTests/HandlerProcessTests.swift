import Foundation
import Testing
@testable import TortureKit

/// A handler that is a program: a crash kills it and the server rolls back what it had not
/// committed; a child that hangs, exits, writes garbage or speaks another protocol fails its
/// delivery with a reason, and the run goes on to its report.
@Suite(.serialized) struct HandlerProcessTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios/handlers").path

    private func run(_ scenario: Scenario, workers: Int = 2, seed: UInt64 = 1) async -> RunEngine.Outcome {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: workers, messages: scenario.workload.messages,
            deliveriesPerMessage: scenario.workload.deliveriesPerMessage, concurrentDeliveries: scenario.workload.concurrentDeliveries,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .threads)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        _ = directory
        return outcome
    }

    /// A probe (Tests/handlers/probe.py) in `mode`, each message received at most twice.
    private func probe(_ mode: String, timeoutMillis: Int = 5_000) throws -> Scenario {
        try ScenarioLoader.parse("""
            name: probe-\(mode)
            description: the probe handler in mode \(mode)
            workload: { messages: 3, deliveries-per-message: 1, concurrent-deliveries: 1 }
            delivery: { preset: sqs, visibility-timeout-millis: 20000, max-receive-count: 2, retry-delay-millis: 1 }
            handler:
              command: [python3, ../../handlers/probe.py, \(mode)]
              timeout-millis: \(timeoutMillis)
            protocol:
              schema: CREATE TABLE submissions (message_id TEXT NOT NULL, worker TEXT NOT NULL)
            invariants:
              - every-failure-in-dlq
            """, file: "\(Self.folder)/probe-\(mode).yaml")
    }

    private func failureReasons(_ outcome: RunEngine.Outcome) -> [String] {
        outcome.history.filter { $0.kind == .fail && $0.subject == HistoryEvent.Subject.delivery }.compactMap(\.detail)
    }

    @Test func aCrashAtAPointKillsTheChildAndTheServerRollsItsInsertBack() async throws {
        let scenario = try ScenarioLoader.load(path: "\(Self.folder)/crash-before-commit.yaml")
        let outcome = await run(scenario)
        let report = outcome.report
        #expect(report.status == .held, "\(report.verdicts) \(report.failureReason ?? "")")
        // Every receive crashed after its insert had run: 6 messages × 2 receives.
        #expect(report.counts.crashed == 12)
        let inserts = outcome.history.filter { $0.kind == .ok && $0.subject == "insert" && $0.rowsAffected == 1 }
        #expect(inserts.count == 12, "each child inserted before it was killed")
        // Each crash killed its child: every delivery needed a new one.
        #expect(report.handler?.coldStarts == 12, "\(String(describing: report.handler))")
        let verdict = report.verdicts.first { $0.invariant == "sql:no-insert-survives-its-crash" }
        #expect(verdict?.held == true, "the store holds none of the inserts the crashes interrupted")
    }

    @Test func aChildThatHangsIsKilledAtItsTimeoutAndTheDeliveryFails() async throws {
        let outcome = await run(try probe("hang", timeoutMillis: 300))
        let reasons = failureReasons(outcome)
        #expect(reasons.count == 6, "3 messages × 2 receives: \(reasons)")
        #expect(reasons.allSatisfy { $0.contains("timeout after 300 ms") }, "\(reasons)")
        #expect(outcome.report.handler?.timeouts == 6)
        #expect(outcome.report.counts.deadLettered == 3)
        #expect(outcome.report.status == .held, "every failure landed in the DLQ: \(outcome.report.verdicts)")
    }

    @Test func aChildThatExitsMidDeliveryFailsItWithItsStatusAndLastWords() async throws {
        let outcome = await run(try probe("exit"))
        let reasons = failureReasons(outcome)
        #expect(reasons.count == 6, "\(reasons)")
        #expect(reasons.allSatisfy { $0.contains("exited with status 3") && $0.contains("probe: giving up on m-") }, "\(reasons)")
        #expect(outcome.handlerStderr.values.joined().contains("probe: giving up on m-00000"), "stderr is kept for the report")
        #expect(outcome.report.handler?.stderrFiles.isEmpty == false)
    }

    @Test func aChildThatWritesGarbageBreaksTheProtocolAndIsKilled() async throws {
        let outcome = await run(try probe("garbage"))
        let reasons = failureReasons(outcome)
        #expect(reasons.count == 6, "\(reasons)")
        #expect(reasons.allSatisfy { $0.contains("non-JSON") && $0.contains("hello, this is not JSON") }, "\(reasons)")
        #expect(outcome.report.handler?.protocolFailures == 6)
    }

    @Test func aChildSpeakingAnotherProtocolIsRefusedWithBothVersions() async throws {
        let outcome = await run(try probe("version99"))
        let reasons = failureReasons(outcome)
        #expect(reasons.count == 6, "\(reasons)")
        #expect(reasons.allSatisfy { $0.contains("speaks protocol 99; torture speaks 1") }, "\(reasons)")
        #expect(outcome.report.handler?.coldStarts == 0, "a refused child is no cold start")
    }

    @Test func aProcessHandlerOnSQLiteIsRefusedInASimulationWithTheReason() async throws {
        let scenario = try probe("hang")
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 1, messages: 1, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(1), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .simulation)
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test").report
        #expect(report.status == .scenarioInvalid)
        #expect(report.failureReason?.contains("SQLite has no wire") == true, "\(report.failureReason ?? "")")
        #expect(report.failureReason?.contains("run it on threads") == true, "\(report.failureReason ?? "")")
    }

    /// A claim the child reported and the server rolled back (its child killed before the
    /// commit) is no claim: counting it was a false positive of exactly-one-claim, 10 of 20
    /// messages "claimed twice" on seed 1 while the store held one row each.
    @Test func claimsOfKilledChildrenAreNotCountedAsClaims() async throws {
        let scenario = try ScenarioLoader.load(path: "\(Self.folder)/crash-claims.yaml")
        for seed: UInt64 in 1...3 {
            let outcome = await run(scenario, seed: seed)
            #expect(outcome.report.status == .held, "seed \(seed): \(outcome.report.verdicts)")
            #expect(outcome.report.counts.crashed > 0, "seed \(seed): some claims were killed")
        }
    }
}
