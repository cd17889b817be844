import Testing
@testable import TortureKit

@Suite(.serialized) struct RunEngineTests {
    func run(_ name: String, workers: Int, messages: Int, seed: UInt64, visibilityMillis: Int? = nil) async throws -> RunEngine.Outcome {
        var scenario = try Repository.scenario(name)
        if let visibilityMillis { scenario.delivery.visibilityTimeoutMillis = visibilityMillis }
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: name, workers: workers, messages: messages,
            deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: "scenarios"
        )
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        _ = directory
        return outcome
    }

    @Test func raceClaimHoldsAndAccountsForEveryDelivery() async throws {
        // A visibility timeout no delivery outlives even on a loaded machine: every message is
        // received exactly 4 times, so the counts below are exact.
        let outcome = try await run("race-claim", workers: 8, messages: 200, seed: 11, visibilityMillis: 600_000)
        let report = outcome.report
        #expect(report.status == .held, "\(report.verdicts)")
        #expect(report.verdicts.map(\.invariant) == ["exactly-one-claim", "every-skip-backed", "sql:every-message-claimed", "sql:processed-once"])
        #expect(report.counts.deliveries == 800)
        #expect(report.counts.done == 200)
        #expect(report.counts.done + report.counts.skipped + report.counts.failed == 800)
        #expect(report.latency.endToEnd.count == 200)
        #expect(report.latency.steps.map(\.step) == ["claim", "process"])
        #expect(report.faults.firedTotal > 0)
        // Every delivery leaves an invoke and an ok/fail for itself in the history.
        let deliveryEvents = Array(outcome.history).filter { $0.subject == HistoryEvent.Subject.delivery }
        #expect(deliveryEvents.count == 1_600)
        #expect(outcome.history.map(\.index) == Array(0..<outcome.history.count))
    }

    @Test func raceClaimNaiveIsCaught() async throws {
        var caught: RunEngine.Outcome?
        for seed in UInt64(1)...5 {
            let outcome = try await run("race-claim-naive", workers: 16, messages: 300, seed: seed)
            if outcome.report.status == .violated { caught = outcome; break }
        }
        let report = try #require(caught?.report, "race-claim-naive held over 5 seeds: the checker or the fault plan is broken")
        let verdict = try #require(report.verdicts.first { $0.invariant == "exactly-one-claim" })
        #expect(!verdict.held)
        #expect(verdict.witnesses.allSatisfy { $0.workers.count >= 2 && $0.text.contains("claimed by") })
        // The repro line is the command line's to write: the library does not know its flags.
        #expect(report.repro.isEmpty)
    }

    @Test func idempotentSubmitNaiveIsCaughtAndTheCorrectOneHolds() async throws {
        var caught = false
        for seed in UInt64(1)...5 where !caught {
            caught = try await run("idempotent-submit-naive", workers: 16, messages: 300, seed: seed).report.status == .violated
        }
        #expect(caught)
        let correct = try await run("idempotent-submit", workers: 16, messages: 300, seed: 1).report
        #expect(correct.status == .held, "\(correct.verdicts)")
        #expect(correct.counts.done == 300)
    }

    /// The fault plan keys on (seed, message, attempt, point), so the worker count cannot change
    /// it: the same faults fire at the same places with 8 and with 64 processors. Which points a
    /// delivery reaches does depend on timing (a copy that loses the claim skips before
    /// `after-claim`), so the runs are compared where every first receive goes: `before-claim`.
    @Test func theFaultPlanIsTheSameAt8And64Workers() async throws {
        let seed = Seed(0x5EED)
        let few = try await run("race-claim", workers: 8, messages: 150, seed: seed.value).report
        let many = try await run("race-claim", workers: 64, messages: 150, seed: seed.value).report
        #expect(few.faults.planHash == many.faults.planHash)
        // Every fault a run lists is the plan's decision for that delivery and point.
        let plan = FaultPlan(seed: seed, profile: try Repository.scenario("race-claim").faults)
        for fired in few.faults.fired + many.faults.fired {
            #expect(plan.faults(for: fired.delivery, at: fired.point).contains(fired.fault), "\(fired) fired but the plan does not say so")
        }
        #expect(few.faults.fired.count == min(few.faults.firedTotal, RunReport.Faults.firedLimit))
        let atClaim = "delay@before-claim"
        #expect((few.faults.firedByKindAndPoint[atClaim] ?? 0) > 0)
        // Each copy is received once, whatever the timing — unless a loaded machine let a lease
        // run out, and a redelivery (a new attempt) drew faults of its own.
        if few.counts.deliveries == 600, many.counts.deliveries == 600 {
            #expect(few.faults.firedByKindAndPoint[atClaim] == many.faults.firedByKindAndPoint[atClaim])
        }
        let other = try await run("race-claim", workers: 8, messages: 150, seed: 0x5EEE).report
        #expect(other.faults.planHash != few.faults.planHash)
    }

    @Test func aStoreThatCannotBeOpenedIsAStoreFailureNotAVerdict() async throws {
        let scenario = try Repository.scenario("race-claim")
        let store = SQLiteStore(path: "/nonexistent-folder/store.sqlite", isUserPath: true)
        let configuration = RunConfiguration(
            scenario: "race-claim", workers: 4, messages: 10, deliveriesPerMessage: 2, concurrentDeliveries: 1,
            seed: Seed(1), store: store.commandLineValue, scenariosDirectory: nil
        )
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test").report
        #expect(report.status == .storeFailed)
        #expect(report.status.exitCode == 3)
        #expect(report.verdicts.isEmpty)
        #expect(report.failureReason?.contains("/nonexistent-folder/store.sqlite") == true)
    }

    @Test func scenarioSQLTheStoreRefusesIsAScenarioError() async throws {
        var scenario = try Repository.scenario("race-claim")
        var steps = try #require(scenario.stepMachine).protocolSteps
        steps[0].sql[.sqlite] = try SQLTemplate("UPDATE no_such_table SET x = :worker")
        scenario.handler = StepMachine(steps: steps, isolation: scenario.stepMachine?.isolation)
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: "race-claim", workers: 2, messages: 5, deliveriesPerMessage: 2, concurrentDeliveries: 1,
            seed: Seed(1), store: store.commandLineValue, scenariosDirectory: nil
        )
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test").report
        #expect(report.status == .scenarioInvalid)
        #expect(report.failureReason?.contains("step `claim`") == true)
        #expect(report.failureReason?.contains("no_such_table") == true)
    }
}
