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

    /// A race-claim whose only invariant is `query` (a row is a violation), run on threads.
    func failingThreadRun(query: String, in workspace: Workspace) async throws -> String {
        let file = try workspace.write("coin.yaml", """
            name: coin
            extends: race-claim
            description: race-claim judged by an invariant that fails as its query says
            invariants:
              - sql:
                  name: coin
                  query: \(query)
            """)
        for seed in 1...30 {
            let run = try await TortureProcess.runAwaiting(
                ["run", file, "--messages", "20", "--workers", "4", "--seed", String(seed), "--report-dir", workspace.reports])
            if run.status == 1, let directory = workspace.reportDirectory(from: run.stdout) { return directory }
        }
        Issue.record("`\(query)` never failed in 30 runs")
        throw CancellationError()
    }

    /// The `attempt k/n:` lines of `replay --attempts n`, and the rate it printed.
    func attempts(_ output: String, of count: Int) throws -> (lines: [String], reproduced: Int) {
        let lines = output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("attempt ") }
        #expect(lines.map { $0.prefix(while: { $0 != ":" }) } == (1...count).map { "attempt \($0)/\(count)" })
        let rate = try #require(output.line(startingWith: "reproduced "), "\(output)")
        let reproduced = try #require(Int(rate.dropFirst("reproduced ".count).prefix(while: \.isNumber)))
        #expect(rate == "reproduced \(reproduced)/\(count)")
        #expect(reproduced == lines.filter { $0.contains(": reproduced: sql:coin violated") }.count, "\(output)")
        return (lines, reproduced)
    }

    @Test func replayAttemptsCountsHowOftenAThreadRunFailsAgain() async throws {
        let workspace = Workspace()
        // Fails every time: the rate is n/n and no advice follows.
        let always = try await failingThreadRun(query: "SELECT 'always'", in: workspace)
        let steady = try await TortureProcess.runAwaiting(["replay", always, "--attempts", "3", "--report-dir", workspace.reports])
        #expect(steady.status == 1)
        #expect(try attempts(steady.stdout, of: 3).reproduced == 3)
        #expect(!steady.stdout.contains("--scheduler sim"))
        // Fails on a coin toss (SQLite's random(), outside the seed): some of 12 replays hold, so
        // the rate is below 12/12 and the simulated scheduler is suggested. All 12 failing again
        // has odds of 1 in 4096.
        let coin = try await failingThreadRun(query: "SELECT 'heads' WHERE abs(random()) % 2 = 0", in: workspace)
        let flaky = try await TortureProcess.runAwaiting(["replay", coin, "--attempts", "12", "--report-dir", workspace.reports])
        let (lines, reproduced) = try attempts(flaky.stdout, of: 12)
        #expect(reproduced < 12, "\(flaky.stdout)")
        #expect(lines.contains { $0.contains("NOT reproduced: recorded sql:coin violated, replay nothing") })
        #expect(flaky.stdout.contains("run the seed with --scheduler sim (or pct)"))
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

    @Test func checkDeterminismExitsOnTheHistoriesAlone() async throws {
        let workspace = Workspace()
        // A twin violated the same way twice: deterministic, so exit 0, and a note says why.
        let twin = try await workspace.run("race-claim-naive", ["--scheduler", "sim", "--workers", "16", "--messages", "200",
                                                                "--seed", "1", "--check-determinism"])
        #expect(twin.status == 0, "\(twin.stdout)\n\(twin.stderr)")
        #expect(twin.stdout.contains("exactly-one-claim          VIOLATED"), "\(twin.stdout)")
        #expect(twin.stdout.line(startingWith: "determinism")?.contains("held") == true)
        #expect(twin.stderr.contains("exit 0: the seed gave the same history twice"))
        // A step keeps SQLite's random(), which no seed governs: the histories differ, exit 1.
        let file = try workspace.write("coin-history.yaml", """
            name: coin-history
            description: a step keeps a value of SQLite's random(), outside the seed
            workload: { messages: 10, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema: CREATE TABLE m (id TEXT PRIMARY KEY, coin INTEGER);
              publish: INSERT INTO m (id) VALUES (:message)
              steps:
                - name: toss
                  role: read
                  sql: SELECT abs(random()) % 1000000 AS coin
                  success: row-returned
                - name: keep
                  role: write
                  sql: UPDATE m SET coin = :toss.coin WHERE id = :message
                  success: rows-affected
                  on-success: done
            invariants:
              - no-loss
            """)
        let coin = try await TortureProcess.runAwaiting(["run", file, "--scheduler", "sim", "--workers", "2", "--seed", "1",
                                                         "--check-determinism", "--report-dir", workspace.reports])
        #expect(coin.status == 1, "\(coin.stdout)\n\(coin.stderr)")
        #expect(coin.stdout.line(startingWith: "determinism")?.contains("VIOLATED") == true, "\(coin.stdout)")
        #expect(coin.stdout.contains("the histories diverge at event"), "\(coin.stdout)")
        #expect(coin.stdout.contains("no-loss") && !coin.stdout.contains("no-loss                    VIOLATED"))
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

/// A replay runs the same code: a handler process whose files changed is refused, as a changed
/// scenario is, and runs again on threads when forced.
@Suite struct HandlerReplayTests {
    @Test func replayRefusesAChangedHandlerUnlessForced() async throws {
        let workspace = Workspace()
        let examples = TortureBinary.packageRoot + "/Examples/shell"
        let script = try workspace.write("handler.sh", try String(contentsOfFile: examples + "/handler.sh", encoding: .utf8))
        #expect(chmod(script, 0o755) == 0)
        let file = try workspace.write("shell.yaml", try String(contentsOfFile: examples + "/idempotent-insert.yaml", encoding: .utf8))
        let run = try await TortureProcess.runAwaiting(["run", file, "--messages", "20", "--workers", "2", "--seed", "4", "--report-dir", workspace.reports])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let directory = try #require(workspace.reportDirectory(from: run.stdout))
        let same = try await TortureProcess.runAwaiting(["replay", directory, "--report-dir", workspace.reports])
        #expect(same.status == 0, "\(same.stdout)\n\(same.stderr)")

        _ = try workspace.write("handler.sh", "# a change\n", appending: true)
        let refused = try await TortureProcess.runAwaiting(["replay", directory, "--report-dir", workspace.reports])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the handler `./handler.sh` changed since the run"), "\(refused.stderr)")
        let forced = try await TortureProcess.runAwaiting(["replay", directory, "--force", "--report-dir", workspace.reports])
        #expect(forced.status == 0, "\(forced.stdout)\n\(forced.stderr)")
        #expect(forced.stderr.contains("warning: the handler `./handler.sh` changed"))
    }
}
