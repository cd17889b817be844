import Foundation
import Testing
import TortureKit
import SeedZeroProtocols

/// The public API from outside the module: a protocol written in Swift gets the faults, the
/// checkers and the report a scenario file gets.
@Suite struct IdempotentSubmitTests {
    func run(guarded: Bool, seed: UInt64) async throws -> RunReport {
        let scenario = try SeedZeroScenarios.idempotentSubmit(guarded: guarded)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torture-example-\(guarded)-\(seed)-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteStore(path: folder + "/store.sqlite", isUserPath: true)
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 16, messages: scenario.workload.messages,
            deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil
        )
        return await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "example").report
    }

    @Test func theGuardedProtocolHolds() async throws {
        for seed: UInt64 in 1...3 {
            let report = try await run(guarded: true, seed: seed)
            #expect(report.status == .held, "seed \(seed): \(report.verdicts)")
            #expect(report.verdicts.map(\.invariant) == ["no-duplicate-submissions", "every-message-submitted", "submit-after-check"])
            #expect(report.counts.done == 200)
            #expect(report.latency.steps.map(\.step) == ["check", "submit"])
            #expect(report.faults.firedTotal > 0)
        }
    }

    @Test func theNaiveTwinIsCaughtWithWitnesses() async throws {
        var caught: RunReport?
        for seed: UInt64 in 1...10 {
            let report = try await run(guarded: false, seed: seed)
            if report.status == .violated { caught = report; break }
        }
        let report = try #require(caught, "check-then-insert without UNIQUE held for 10 seeds")
        let verdict = try #require(report.verdicts.first { $0.invariant == "no-duplicate-submissions" })
        #expect(!verdict.held)
        #expect(verdict.witnesses.first?.message?.hasPrefix("m-") == true)
        #expect(report.verdicts.first { $0.invariant == "every-message-submitted" }?.held == true)
        #expect(report.verdicts.first { $0.invariant == "submit-after-check" }?.held == true)
    }

    @Test func simulationRunsTheSwiftHandlerDeterministically() async throws {
        let scenario = try SeedZeroScenarios.idempotentSubmit(guarded: false)
        var hashes: [String] = []
        for _ in 0..<2 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torture-example-sim-\(hashes.count)-\(getpid())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = SQLiteStore(path: folder + "/store.sqlite", isUserPath: true)
            let configuration = RunConfiguration(
                scenario: scenario.name, workers: 8, messages: 50, deliveriesPerMessage: 3, concurrentDeliveries: 3,
                seed: Seed(7), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .simulation
            )
            let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "example").report
            #expect(report.simulation?.foreignEnqueues == 0)
            #expect(report.status == .held || report.status == .violated, "\(report.failureReason ?? "")")
            hashes.append(report.historyHash)
        }
        #expect(hashes[0] == hashes[1])
    }
}
