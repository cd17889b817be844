import Foundation
import Testing
@testable import TortureKit

/// A run ends when the work ends: the queue is empty and every actor that holds the run open has
/// had a whole run that changed nothing, after the last change anywhere. `release-relay`'s
/// releaser publishes nothing; ending at the relay's first quiet run reported blocked jobs the
/// releaser would have released (a false positive, 20 of 20 seeds when the releaser does not hold
/// the run open).
@Suite struct QuiescenceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios").path

    private func run(_ name: String, seed: UInt64, scheduler: SchedulerChoice) async throws -> RunReport {
        let scenario = try ScenarioLoader.load(path: "\(Self.folder)/\(name).yaml")
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 4, messages: scenario.workload.messages, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: scheduler)
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test").report
        _ = directory
        return report
    }

    @Test(arguments: [SchedulerChoice.threads, .simulation])
    func twoActorsFeedingEachOtherFinishEveryJob(scheduler: SchedulerChoice) async throws {
        for seed: UInt64 in 1...20 {
            let report = try await run("release-relay", seed: seed, scheduler: scheduler)
            #expect(report.status == .held, "seed \(seed) on \(scheduler): \(report.verdicts)")
            #expect(report.counts.done == 12, "seed \(seed): every job finished once")
        }
    }

    @Test(arguments: [SchedulerChoice.threads, .simulation])
    func withoutTheReleaserTheBlockedJobsAreCaughtNotWaitedFor(scheduler: SchedulerChoice) async throws {
        for seed: UInt64 in 1...5 {
            let report = try await run("release-relay-naive", seed: seed, scheduler: scheduler)
            #expect(report.status == .violated, "seed \(seed) on \(scheduler)")
            let verdict = report.verdicts.first { $0.invariant == "sql:every-job-finished" }
            #expect(verdict?.held == false && verdict?.witnessCount == 12, "\(report.verdicts)")
            #expect(!report.verdicts.contains { $0.invariant == "liveness" }, "the run ended when the work ended, not at its deadline")
        }
    }
}
