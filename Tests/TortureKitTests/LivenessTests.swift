import Testing
@testable import TortureKit

/// A run whose processors can never finish ends with a `liveness` verdict at its deadline, on
/// real threads and in simulation, instead of hanging.
@Suite struct LivenessTests {
    /// race-claim with a stall of an hour before every claim: no delivery can finish.
    func stalledForever() throws -> Scenario {
        var scenario = try Repository.scenario("race-claim")
        var faults = FaultProfile()
        faults[.stall, .beforeClaim] = FaultRule(probability: 1, minMillis: 3_600_000, maxMillis: 3_600_000)
        scenario.faults = faults
        return scenario
    }

    func run(_ scheduler: SchedulerChoice) async throws -> (RunReport, Duration) {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: "race-claim", workers: 4, messages: 20, deliveriesPerMessage: 2, concurrentDeliveries: 2,
            seed: Seed(3), store: store.commandLineValue, scenariosDirectory: nil, scheduler: scheduler,
            deadlineMillisOverride: 1_000
        )
        let started = ContinuousClock.now
        let report = await RunEngine(scenario: try stalledForever(), configuration: configuration, store: store).run(startedAt: "t").report
        return (report, ContinuousClock.now - started)
    }

    @Test(arguments: [SchedulerChoice.threads, .simulation])
    func aStallLongerThanTheDeadlineEndsInALivenessVerdict(scheduler: SchedulerChoice) async throws {
        let (report, elapsed) = try await run(scheduler)
        #expect(report.status == .violated)
        #expect(report.status.exitCode == 1)
        let verdict = try #require(report.verdicts.first)
        #expect(report.verdicts.map(\.invariant) == ["liveness"])
        #expect(!verdict.held)
        #expect(verdict.witnesses.first?.text.contains("20 message(s) unfinished") == true, "\(verdict.witnesses)")
        // Each processor says what it was waiting on: the stall before its claim. (On a machine so
        // loaded that a thread starts after the deadline, that processor has nothing to say.)
        #expect(verdict.witnesses.dropFirst().allSatisfy { $0.workers.count == 1 && $0.text.contains("abandoned") }, "\(verdict.witnesses)")
        if scheduler.isSimulated { #expect(verdict.witnesses.count == 5) }
        // The stall is an hour: the run ends at its deadline instead (real time on threads; the
        // bound leaves room for a machine loaded by parallel test suites).
        #expect(elapsed < .seconds(600))
    }

    @Test func aSimulationThatSpinsPastItsJobBudgetIsStoppedWithAVerdict() async throws {
        let stop = RunStop()
        let budgeted = SimulationScheduler(seed: Seed(1), strategy: .random, jobBudget: 1_000, onBudgetExhausted: { stop.set() })
        let (value, statistics) = await budgeted.run {
            var spins = 0
            while !stop.isSet {
                await Task.yield()
                spins += 1
            }
            return spins
        }
        #expect(statistics.budgetExhausted)
        #expect(stop.isSet)
        #expect(value != nil && statistics.jobsRun < 2_000, "\(String(describing: value)) \(statistics)")
        #expect((value ?? 0) >= 400, "\(String(describing: value))")
    }
}
