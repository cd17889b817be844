import Foundation
import Testing

/// Every command's temporary SQLite store goes through one provider, which removes its folder:
/// after a run, a replay, a shrink and a determinism check the temporary directory is as it was.
@Suite(.serialized) struct TemporaryFolderTests {
    @Test func runReplayShrinkAndDeterminismCheckLeaveNothingInTheTemporaryDirectory() async throws {
        let temporary = Workspace()
        let workspace = Workspace()
        let environment = ["TMPDIR": temporary.path]
        func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: temporary.path) }
        func torture(_ arguments: [String]) async throws -> TortureBinary.Outcome {
            try await TortureBinary.run(arguments + ["--report-dir", workspace.reports], environment: environment)
        }

        var failed: String?
        for seed in 1...10 where failed == nil {
            let run = try await torture(["run", "race-claim-naive", "--scheduler", "sim", "--workers", "16", "--messages", "200",
                                         "--seed", String(seed), "--scenarios", TortureProcess.scenarios])
            #expect(run.exitCode == 0 || run.exitCode == 1, "\(run.stderr)")
            let leftRun = try leftovers()
            #expect(leftRun.isEmpty, "after run: \(leftRun)")
            if run.exitCode == 1 { failed = workspace.reportDirectory(from: run.stdout) }
        }
        let report = try #require(failed, "race-claim-naive was not caught in 10 seeds")

        let replay = try await torture(["replay", report])
        #expect(replay.exitCode == 1, "\(replay.stdout)\n\(replay.stderr)")
        let leftReplay = try leftovers()
        #expect(leftReplay.isEmpty, "after replay: \(leftReplay)")

        let shrink = try await torture(["shrink", report, "--max-runs", "6"])
        #expect(shrink.exitCode == 1, "\(shrink.stdout)\n\(shrink.stderr)")
        let leftShrink = try leftovers()
        #expect(leftShrink.isEmpty, "after shrink: \(leftShrink)")

        let determinism = try await torture(["run", "race-claim", "--scheduler", "sim", "--workers", "8", "--messages", "100",
                                             "--seed", "5", "--check-determinism", "--scenarios", TortureProcess.scenarios])
        #expect(determinism.exitCode == 0, "\(determinism.stdout)\n\(determinism.stderr)")
        let leftDeterminism = try leftovers()
        #expect(leftDeterminism.isEmpty, "after --check-determinism: \(leftDeterminism)")
    }
}
