import Foundation
import Testing

/// torture installed somewhere and run from any folder: the catalogue comes with the binary.
@Suite struct BuiltInCatalogueTests {
    @Test func runListAndReplayWorkOutsideTheRepository() async throws {
        let workspace = Workspace()
        let run = try await TortureProcess.runAwaiting(["run", "race-claim", "--messages", "50", "--workers", "4", "--seed", "0x5"], in: workspace.path)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let directory = try #require(workspace.reportDirectory(from: run.stdout))
        let report = try workspace.report(at: workspace.path + "/" + directory)
        #expect((report["scenario"] as? [String: Any])?["file"] as? String == "built-in:race-claim.yaml")
        #expect((report["repro"] as? String)?.contains("--scenarios") == false, "the repro line finds it the same way")
        let list = try await TortureProcess.runAwaiting(["list"], in: workspace.path)
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count >= 20 && list.stdout.contains("race-claim-naive"))
        let replay = try await TortureProcess.runAwaiting(["replay", directory], in: workspace.path)
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
    }

    @Test func aLocalScenariosFolderWinsAndAMissingFolderIsNamed() async throws {
        let workspace = Workspace()
        try FileManager.default.createDirectory(atPath: workspace.path + "/scenarios", withIntermediateDirectories: true)
        let local = try String(contentsOfFile: TortureProcess.scenarios + "/burst.yaml", encoding: .utf8)
            .replacingOccurrences(of: "summary: ", with: "summary: LOCAL COPY ")
        try local.write(toFile: workspace.path + "/scenarios/burst.yaml", atomically: true, encoding: .utf8)
        let list = try await TortureProcess.runAwaiting(["list"], in: workspace.path)
        #expect(list.stdout.contains("LOCAL COPY"), "./scenarios wins")
        #expect(list.stdout.contains("race-claim"), "and the built-in catalogue fills in")
        let missing = try await TortureProcess.runAwaiting(["run", "race-claim", "--scenarios", "/no/such/folder"], in: workspace.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/no/such/folder"), "\(missing.stderr)")
        let unknown = try await TortureProcess.runAwaiting(["run", "race-clam"], in: workspace.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean `race-claim`") && !unknown.stderr.contains("(known: )"), "\(unknown.stderr)")
    }
}
