import Foundation
import Testing

/// `torture soak --require-coverage`, run as a user would: a `sometimes:` no run reached fails the
/// soak and is named; without the flag it is only reported; one that is reached passes.
@Suite struct CoverageSoakTests {
    static let unreached = TortureProcess.repositoryRoot + "/Tests/scenarios/coverage-unreached.yaml"

    func soak(_ arguments: [String], in workspace: Workspace) async throws -> TortureProcess.Result {
        try await TortureProcess.runAwaiting(["soak"] + arguments + ["--seed-start", "1", "--workers", "4", "--report-dir", workspace.reports])
    }

    @Test func aSometimesNoRunReachedFailsRequireCoverageAndIsNamed() async throws {
        let workspace = Workspace()
        let junit = workspace.path + "/junit.xml"
        let result = try await soak([Self.unreached, "--runs", "2", "--require-coverage", "--junit", junit], in: workspace)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasPrefix("soak held but COVERAGE MISSED: 2 runs (2 held"), "\(result.stdout)")
        let failure = try #require(result.stdout.line(startingWith: "coverage required (--require-coverage): "))
        #expect(failure.hasSuffix("never reached in any run: coverage-unreached `never-true` (sql)"), "only the unreached one: \(failure)")
        #expect(result.stdout.contains("sometimes: some-job-claimed in 2 of 2 runs, never-true NEVER (0 of 2)"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"3\" failures=\"1\" errors=\"0\""), "the scenario's case and one per `sometimes`: \(xml)")
        #expect(xml.contains("name=\"coverage-unreached sometimes never-true\"") && xml.contains("type=\"coverage\""))
        let directory = try #require(result.stdout.line(startingWith: "soak report: ").map { String($0.dropFirst("soak report: ".count)) })
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json"))) as? [String: Any])
        #expect(summary["requireCoverage"] as? Bool == true)
        let coverage = try #require(((summary["scenarios"] as? [[String: Any]])?.first)?["coverage"] as? [String: Any])
        let sometimes = try #require(coverage["sometimes"] as? [[String: Any]])
        #expect(sometimes.map { $0["name"] as? String } == ["some-job-claimed", "never-true"])
        #expect(sometimes.map { $0["reachedRuns"] as? Int } == [2, 0])
        let html = try String(contentsOfFile: directory + "/index.html", encoding: .utf8)
        #expect(html.contains("<h3>Coverage</h3>") && html.contains("0: NEVER"))
        #expect(try String(contentsOfFile: directory + "/summary.md", encoding: .utf8).contains("| never-true | sql | **0: never** | 2 |"))
    }

    @Test func withoutTheFlagAnUnreachedSometimesIsReportedAndTheSoakHolds() async throws {
        let workspace = Workspace()
        let junit = workspace.path + "/junit.xml"
        let result = try await soak([Self.unreached, "--runs", "2", "--junit", junit], in: workspace)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasPrefix("soak held: 2 runs"))
        #expect(result.stdout.contains("never-true NEVER (0 of 2)"))
        #expect(result.stdout.line(startingWith: "coverage required") == nil)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\""), "never reached is skipped, not failed: \(xml)")
    }

    @Test func aCatalogueSoakThatReachesEverySometimesPassesRequireCoverage() async throws {
        let workspace = Workspace()
        let result = try await soak(["dlq-redrive", "--runs", "1", "--messages", "100", "--require-coverage", "--json",
                                     "--scenarios", TortureProcess.scenarios], in: workspace)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let coverage = try #require(((summary["scenarios"] as? [[String: Any]])?.first)?["coverage"] as? [String: Any])
        let sometimes = try #require(coverage["sometimes"] as? [[String: Any]])
        #expect(sometimes.map { $0["name"] as? String } == ["dead-lettered", "landed-on-a-retry"])
        #expect(sometimes.allSatisfy { $0["reachedRuns"] as? Int == 1 })
        let counters = try #require(coverage["counters"] as? [String: [String: Int]])
        #expect(counters["dead-letter"]?["total"] ?? 0 > 0 && counters["fault:error@after-claim"]?["runs"] == 1)
    }
}
