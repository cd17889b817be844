import Testing
@testable import TortureKit

/// Coverage as the writers show it, and `--require-coverage` as the soak's exit code reads it.
@Suite struct CoverageReportTests {
    static func outcome(_ text: String = CoverageRunTests.withSometimes, in directory: TemporaryDirectory) async throws -> RunEngine.Outcome {
        let scenario = try ScenarioLoader.parse(text, file: "sometimes-tiny.yaml")
        let configuration = RunConfiguration(scenario: scenario.name, workers: 2, messages: 6, deliveriesPerMessage: 1, concurrentDeliveries: 1,
                                             seed: Seed(3), store: "sqlite", scenariosDirectory: nil)
        return await RunEngine(scenario: scenario, configuration: configuration, store: directory.sqliteStore()).run(startedAt: "test")
    }

    static func summary(_ outcome: RunEngine.Outcome, requireCoverage: Bool, scenario text: String = CoverageRunTests.withSometimes) throws -> SoakSummary {
        let scenario = try ScenarioLoader.parse(text, file: "sometimes-tiny.yaml")
        var tally = SoakTally(scenarios: [scenario])
        tally.seedStarted(Seed(3), position: 0)
        tally.record(outcome, scenarioIndex: 0, position: 0, elapsedNanos: 1_000_000, reportDirectory: nil)
        let header = SoakSummary.Header(startedAt: "test", seedStart: Seed(3), shard: .whole, limit: .runs(1), keepGoing: false, workers: 2,
                                        store: "sqlite", requireCoverage: requireCoverage)
        return tally.summary(header: header, ending: .runsDone, signal: nil, stopReason: "1 runs done", elapsedNanos: 1_000_000)
    }

    @Test func aRunsTerminalMarkdownHTMLAndJUnitShowItsCoverage() async throws {
        let outcome = try await Self.outcome(in: TemporaryDirectory())
        let terminal = TerminalSummary.render(outcome.report, reportDirectory: nil)
        #expect(terminal.contains("\ncoverage: 2 of 9 counters moved; never: ack-refused, action:fail, dead-letter, lease-expired, "))
        #expect(terminal.contains("\nsometimes: some-claimed reached, never-true NOT reached, redelivered NOT reached\n"))
        let markdown = MarkdownSummary.render(outcome.report)
        #expect(markdown.contains("## Coverage") && markdown.contains("| step:claim held | 6 |") && markdown.contains("| takeover | **0** |"))
        #expect(markdown.contains("| never-true | sql | NOT reached |"))
        #expect(RunHTMLReport.render(outcome).contains("<h2>Coverage</h2>"))
        let junit = JUnitReport.run(outcome.report)
        #expect(junit.suites[0].cases[0].systemOut?.contains("sometimes: some-claimed reached") == true)
        #expect(junit.failures == 0, "an unreached `sometimes` fails no run")
    }

    @Test func requireCoverageFailsOnlyASoakWithAConditionNoRunReached() async throws {
        let outcome = try await Self.outcome(in: TemporaryDirectory())
        let lenient = try Self.summary(outcome, requireCoverage: false)
        #expect(lenient.exitCode == 0)
        #expect(lenient.neverReached.map(\.condition.name) == ["never-true", "redelivered"])
        #expect(SoakSummaryMarkdown.coverageFailure(lenient) == nil)
        #expect(JUnitReport.soak(lenient).suites[0].skipped == 2 && JUnitReport.soak(lenient).failures == 0)

        let strict = try Self.summary(outcome, requireCoverage: true)
        #expect(strict.exitCode == 1)
        #expect(SoakSummaryMarkdown.headline(strict) == "held but COVERAGE MISSED")
        let failure = try #require(SoakSummaryMarkdown.coverageFailure(strict))
        #expect(failure.hasSuffix("sometimes-tiny `never-true` (sql), sometimes-tiny `redelivered` (history: redelivered)"))
        #expect(SoakSummaryMarkdown.terminalLines(strict, directory: nil).contains(failure))
        #expect(SoakSummaryMarkdown.render(strict).contains("| redelivered | history: redelivered | **0: never** | 1 |"))
        let junit = JUnitReport.soak(strict)
        #expect(junit.failures == 2 && junit.tests == 4, "the scenario's case and one per condition")

        let reachable = CoverageRunTests.withSometimes.components(separatedBy: "  - name: never-true")[0]
        let everyOne = try Self.summary(try await Self.outcome(reachable, in: TemporaryDirectory()), requireCoverage: true, scenario: reachable)
        #expect(everyOne.exitCode == 0, "every condition reached: \(everyOne.neverReached.map(\.condition.name))")
    }
}
