import Foundation
import Testing

@Suite(.serialized) struct ReplayAndShrinkTests {
    /// A failing simulated run and its report folder.
    func failingSimulatedRun(_ scenario: String, in workspace: Workspace, extra: [String] = []) async throws -> String {
        for seed in 1...10 {
            let result = try await workspace.run(scenario, ["--scheduler", "sim", "--workers", "16", "--seed", String(seed)] + extra)
            if result.status == 1, let directory = workspace.reportDirectory(from: result.stdout) { return directory }
        }
        Issue.record("\(scenario) was not caught in simulation in 10 seeds")
        throw CancellationError()
    }

    @Test(arguments: ["race-claim-naive", "idempotent-submit-naive", "visibility-timeout-naive", "dlq-redrive-naive"])
    func replayReproducesASimulatedFailureExactly(scenario: String) async throws {
        let workspace = Workspace()
        let directory = try await failingSimulatedRun(scenario, in: workspace)
        let recorded = try workspace.report(at: directory)
        for _ in 0..<3 {
            let replay = try await TortureProcess.runAwaiting(["replay", directory, "--report-dir", workspace.reports])
            #expect(replay.status == 1)
            #expect(replay.stdout.contains("with the same witnesses and the same history (\(recorded["historyHash"] as? String ?? "?"))"), "\(replay.stdout)")
        }
    }

    @Test func replayRefusesAChangedScenarioUnlessForced() async throws {
        let workspace = Workspace()
        let original = try String(contentsOfFile: TortureProcess.scenarios + "/race-claim.yaml", encoding: .utf8)
        let file = try workspace.write("mine.yaml", original)
        let run = try await TortureProcess.runAwaiting(["run", file, "--messages", "30", "--workers", "4", "--seed", "9", "--report-dir", workspace.reports])
        #expect(run.status == 0)
        let directory = try #require(workspace.reportDirectory(from: run.stdout))
        _ = try workspace.write("mine.yaml", original.replacingOccurrences(of: "messages: 1000", with: "messages: 999"))
        let refused = try await TortureProcess.runAwaiting(["replay", directory, "--report-dir", workspace.reports])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("changed since the run"))
        let forced = try await TortureProcess.runAwaiting(["replay", directory, "--force", "--report-dir", workspace.reports])
        #expect(forced.status == 0)
        #expect(forced.stdout.contains("every invariant held, as recorded"))
    }

    @Test func shrinkTurnsA64WorkerThousandMessageFailureIntoAHandful() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("race-claim-naive", ["--scheduler", "sim", "--workers", "64", "--messages", "1000", "--seed", "3"])
        #expect(run.status == 1)
        let directory = try #require(workspace.reportDirectory(from: run.stdout))
        let shrink = try await TortureProcess.runAwaiting(["shrink", directory, "--report-dir", workspace.reports])
        #expect(shrink.status == 1, "\(shrink.stdout)\n\(shrink.stderr)")
        let repro = try #require(shrink.stdout.line(startingWith: "repro: torture run "))
        let workers = try #require(Int(repro.word(after: "--workers") ?? ""))
        let messages = try #require(Int(repro.word(after: "--messages") ?? ""))
        #expect(workers <= 4 && messages <= 4, "\(repro)")
        // The shrunk repro line fails on its own.
        let words = repro.dropFirst("repro: torture ".count).split(separator: " ").map(String.init)
        let again = try await TortureProcess.runAwaiting(words + ["--report-dir", workspace.reports])
        #expect(again.status == 1)
    }

    @Test func shrinkRefusesAReportWithoutAViolation() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("race-claim", ["--messages", "20", "--workers", "4", "--seed", "1"])
        let directory = try #require(workspace.reportDirectory(from: run.stdout))
        let shrink = try await TortureProcess.runAwaiting(["shrink", directory])
        #expect(shrink.status == 2)
        #expect(shrink.stderr.contains("nothing to shrink"))
    }

    @Test func checkDeterminismRunsTheSeedTwice() async throws {
        let workspace = Workspace()
        let result = try await workspace.run("dlq-redrive", ["--scheduler", "sim", "--check-determinism", "--messages", "60", "--seed", "4"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.line(startingWith: "determinism")?.contains("held") == true)
        let refused = try await workspace.run("race-claim", ["--check-determinism"])
        #expect(refused.status == 2)
    }
}
