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
        try await run(try ScenarioLoader.load(path: "\(Self.folder)/\(name).yaml"), seed: seed, scheduler: scheduler)
    }

    private func run(_ scenario: Scenario, seed: UInt64, scheduler: SchedulerChoice, deadlineMillis: Int? = nil) async throws -> RunReport {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 4, messages: scenario.workload.messages, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: scheduler, deadlineMillisOverride: deadlineMillis)
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test").report
        _ = directory
        return report
    }

    /// `release-relay-until` adds a heartbeat actor that changes a row at every run, so no run is
    /// ever quiet: its `until:` query (no job unfinished) ends the run when the work is over.
    @Test(arguments: ["release-relay", "release-relay-until"], [SchedulerChoice.threads, .simulation])
    func twoActorsFeedingEachOtherFinishEveryJob(scenario: String, scheduler: SchedulerChoice) async throws {
        for seed: UInt64 in 1...20 {
            let report = try await run(scenario, seed: seed, scheduler: scheduler)
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

    @Test(arguments: [SchedulerChoice.threads, .simulation])
    func withoutItsUntilQueryTheHeartbeatHoldsTheRunToItsDeadline(scheduler: SchedulerChoice) async throws {
        let text = try String(contentsOfFile: "\(Self.folder)/release-relay-until.yaml", encoding: .utf8)
        let withoutUntil = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("until:") }.joined(separator: "\n")
        #expect(withoutUntil != text, "the test removed the until line")
        let scenario = try ScenarioLoader.parse(withoutUntil, file: "release-relay-heartbeat.yaml")
        #expect(scenario.until == nil)
        let report = try await run(scenario, seed: 1, scheduler: scheduler, deadlineMillis: 400)
        #expect(report.status == .violated)
        #expect(report.verdicts.filter { !$0.held }.map(\.invariant) == ["liveness"], "\(report.verdicts)")
        if scheduler == .simulation {
            // On the virtual clock the 400 ms are far past the work; on threads a loaded machine may not be.
            #expect(report.counts.done == 12, "the work was over; only the quiet-run rule could not see it")
        }
    }

    @Test func anUntilQueryWithNoActorToAskItIsRefusedWithItsLine() throws {
        let text = try String(contentsOfFile: "\(Self.folder)/release-relay-until.yaml", encoding: .utf8)
        let noActors = String(text[..<text.range(of: "actors:\n")!.lowerBound]) + "until: SELECT 1\ninvariants: [no-loss]\n"
        let line = noActors.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("until:") }! + 1
        do {
            _ = try ScenarioLoader.parse(noActors, file: "no-actors.yaml")
            Issue.record("a scenario whose until: no actor can ask was read")
        } catch {
            #expect(error.line == line && error.description.contains("this scenario has no actors"), "\(error)")
        }
        let silent = text.replacingOccurrences(of: "    schedule: {", with: "    holds-run-open: false\n    schedule: {")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(silent, file: "silent.yaml") }
    }
}
