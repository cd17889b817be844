import Foundation
import Testing

/// `--swarm` as a user sees it: the draw is printed and in the report, and the repro line — with
/// the drawn workers, messages, arrival and `--swarm-choices` — gives the same history again.
@Suite struct SwarmEndToEndTests {
    @Test func aSwarmRunSaysWhatItDrewAndItsReproLineGivesTheSameHistory() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("dlq-redrive", ["--swarm", "--scheduler", "sim", "--seed", "5"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("swarm drew: workers "), "\(run.stderr)")
        #expect(run.stdout.contains("\nswarm  latency "), "\(run.stdout)")
        let report = try workspace.report(at: try #require(workspace.reportDirectory(from: run.stdout)))
        let parameters = try #require(report["parameters"] as? [String: Any])
        let swarm = try #require(parameters["swarm"] as? String)
        let repro = try #require(report["repro"] as? String)
        #expect(repro.contains("--swarm-choices \(swarm)") || repro.contains("--swarm-choices '\(swarm)'"), "\(repro)")
        #expect(repro.contains("--arrival "), "\(repro)")

        let words = repro.dropFirst("torture ".count).split(separator: " ").map { $0.replacingOccurrences(of: "'", with: "") }
        let again = try await TortureProcess.runAwaiting(words + ["--report-dir", workspace.reports])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.word(after: "history") == run.stdout.word(after: "history"), "\(again.stdout)")
    }

    @Test func swarmChoicesNamingARuleTheScenarioLacksAreRefused() async throws {
        let workspace = Workspace()
        let run = try await workspace.run("dlq-redrive", ["--swarm-choices", "latency=mild,crash@nowhere=2"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a rule of dlq-redrive"), "\(run.stderr)")
    }
}
