import Foundation
import Testing

/// Arrivals from the command line and from a scenario file, as a user sees them: the header says
/// the process, a simulated run lasts at least until the last message arrived, and the repro
/// line repeats the arrival (also an override back to all-at-once).
@Suite struct ArrivalEndToEndTests {
    @Test func aRateSpreadsTheMessagesOverVirtualTimeAndTheReproLineRepeatsIt() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("race-claim", ["--arrival", "rate:100", "--messages", "20", "--workers", "4", "--scheduler", "sim",
                                                          "--seed", "3"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("arrival 100 a second"), "\(run.stdout)")
        let report = try workspace.report(at: try #require(workspace.reportDirectory(from: run.stdout)))
        let virtualMillis = try #require((report["simulation"] as? [String: Any])?["virtualMillis"] as? Double, "\(report)")
        #expect(virtualMillis >= 190, "20 messages at 100 a second take 190 ms of virtual time at least: \(virtualMillis)")
        let repro = try #require(report["repro"] as? String)
        #expect(repro.contains("--arrival rate:100"), "\(repro)")
    }

    @Test func theCataloguesBurstArrivesInBurstsAndAnOverrideToAllAtOnceIsRepeated() async throws {
        let workspace = Workspace()
        let bursts = try await workspace.run("burst", ["--scheduler", "sim", "--seed", "1"])
        #expect(bursts.status == 0, "\(bursts.stdout)\n\(bursts.stderr)")
        #expect(bursts.stdout.contains("arrival bursts of 50 every 2000 ms"), "\(bursts.stdout)")
        let burstReport = try workspace.report(at: try #require(workspace.reportDirectory(from: bursts.stdout)))
        let virtualMillis = try #require((burstReport["simulation"] as? [String: Any])?["virtualMillis"] as? Double)
        #expect(virtualMillis >= 4_000, "the third burst arrives at 4 s: \(virtualMillis)")

        let atOnce = try await workspace.run("burst", ["--scheduler", "sim", "--seed", "1", "--arrival", "all-at-once"])
        #expect(atOnce.status == 0, "\(atOnce.stdout)\n\(atOnce.stderr)")
        let report = try workspace.report(at: try #require(workspace.reportDirectory(from: atOnce.stdout)))
        #expect((report["repro"] as? String)?.contains("--arrival all-at-once") == true, "the scenario's own bursts must not come back")
    }

    @Test func aWrongArrivalIsAUsageErrorThatSaysWhatWasExpected() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("race-claim", ["--arrival", "trickle:5"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("expected all-at-once, rate:N, poisson:N, bursts:SIZE/MILLIS or ramp:FROM-TO"), "\(run.stderr)")
        let both = try await workspace.run("race-claim", ["--arrival", "rate:5", "--rate", "5"])
        #expect(both.status == 2 && both.stderr.contains("give one of them"), "\(both.stderr)")
    }
}
