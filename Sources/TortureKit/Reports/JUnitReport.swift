/// The common JUnit XML model — testsuites / testsuite / testcase / failure | error — that GitHub
/// Actions, GitLab and Jenkins read. Counts are derived from the cases, so they always agree.
public struct JUnitReport: Sendable, Equatable {
    public var name: String
    public var suites: [Suite]

    public struct Suite: Sendable, Equatable {
        public var name: String
        public var timestamp: String?
        public var cases: [Case]

        public var tests: Int { cases.count }
        public var failures: Int { cases.filter { $0.failure != nil }.count }
        public var errors: Int { cases.filter { $0.error != nil }.count }
        public var skipped: Int { cases.filter { $0.skipped != nil }.count }
        public var seconds: Double { cases.reduce(0) { $0 + $1.seconds } }
    }

    public struct Case: Sendable, Equatable {
        public var classname: String
        public var name: String
        public var seconds: Double
        /// A verdict against the protocol.
        public var failure: Problem?
        /// No verdict: the store or the scenario failed.
        public var error: Problem?
        /// Why the case did not run (a soak stopped before it reached this scenario).
        public var skipped: String?
        public var systemOut: String?
    }

    public struct Problem: Sendable, Equatable {
        public var message: String
        public var type: String
        public var text: String
    }

    public var tests: Int { suites.reduce(0) { $0 + $1.tests } }
    public var failures: Int { suites.reduce(0) { $0 + $1.failures } }
    public var errors: Int { suites.reduce(0) { $0 + $1.errors } }
    public var seconds: Double { suites.reduce(0) { $0 + $1.seconds } }
}

extension JUnitReport {
    /// One case per scenario, named after the scenario alone, so CI's test history lines up night
    /// after night whatever the seeds: which seeds ran is in the case's output, every run that did
    /// not hold (invariant, witnesses, repro line) in its failure or error. A scenario the soak
    /// never reached is skipped.
    public static func soak(_ summary: SoakSummary) -> JUnitReport {
        let cases = summary.scenarios.map { tally in
            let failed = summary.violations.filter { $0.scenario == tally.name }
            var testCase = Case(classname: "torture.soak", name: tally.name,
                                seconds: tally.heldRanges.reduce(0) { $0 + $1.seconds } + failed.reduce(0) { $0 + $1.seconds })
            testCase.systemOut = seedLines(tally, summary: summary)
            guard tally.runs > 0 else {
                testCase.skipped = "the soak ended before it ran \(tally.name)"
                return testCase
            }
            let text = failed.map(failureLines).joined(separator: "\n\n")
            if tally.violated > 0 {
                let invariants = Set(failed.flatMap { $0.invariants.map(\.invariant) }).sorted()
                testCase.failure = Problem(message: "\(tally.violated) of \(tally.runs) runs violated \(invariants.joined(separator: ", "))",
                                           type: invariants.joined(separator: ","), text: text)
            } else if tally.withoutVerdict > 0 {
                testCase.error = Problem(message: "\(tally.withoutVerdict) of \(tally.runs) runs ended without a verdict: "
                    + (failed.first?.failureReason ?? "see the output"), type: failed.first?.status.rawValue ?? "no-verdict", text: text)
            }
            return testCase
        }
        return JUnitReport(name: "torture soak", suites: [
            Suite(name: "torture soak shard \(summary.shard)", timestamp: summary.startedAt, cases: cases + sometimesCases(summary)),
        ])
    }

    /// One case per declared `sometimes:` condition, named after scenario and condition so it too
    /// lines up night after night: passed when some run reached it; never reached, a failure under
    /// `--require-coverage` and skipped (not proven, not broken) without it.
    private static func sometimesCases(_ summary: SoakSummary) -> [Case] {
        summary.scenarios.flatMap { tally in
            (tally.coverage?.sometimes ?? []).map { total in
                var testCase = Case(classname: "torture.soak.sometimes", name: "\(tally.name) sometimes \(total.name)", seconds: 0)
                testCase.systemOut = "\(total.condition): " + CoverageLines.reachedIn(total)
                guard total.reachedRuns == 0 else { return testCase }
                let words = "`\(total.name)` (\(total.condition)) of \(tally.name) was never reached in \(total.evaluatedRuns) runs"
                if summary.requireCoverage {
                    testCase.failure = Problem(message: words, type: "coverage", text: words + "; --require-coverage fails the soak on it")
                } else {
                    testCase.skipped = words
                }
                return testCase
            }
        }
    }

    private static func seedLines(_ tally: SoakSummary.ScenarioTally, summary: SoakSummary) -> String {
        var lines = ["\(tally.runs) runs: \(tally.held) held, \(tally.violated) violated, \(tally.withoutVerdict) without verdict; "
            + "seed start \(summary.seedStart), shard \(summary.shard)"]
        lines += tally.heldRanges.map { range in
            "held: seeds \(range.firstSeed) … \(range.lastSeed) (positions \(range.firstPosition)–\(range.lastPosition), \(range.runs) runs)"
        }
        if let coverage = tally.coverage, coverage.runs > 0 { lines.append(CoverageLines.counters(coverage)) }
        return lines.joined(separator: "\n")
    }

    /// One suite with one case: the run's scenario and seed.
    public static func run(_ report: RunReport) -> JUnitReport {
        let failed = SoakSummary.FailedRun(
            scenario: report.scenario.name, seed: report.parameters.seed, position: 0, status: report.status,
            failureReason: report.failureReason,
            invariants: report.violatedVerdicts.map { verdict in
                SoakSummary.BrokenInvariant(invariant: verdict.invariant, witnessCount: verdict.witnessCount,
                                            witnesses: verdict.witnesses.prefix(SoakSummary.BrokenInvariant.witnessLimit).map(\.text))
            },
            repro: report.repro, reportDirectory: nil, seconds: report.timing.durationMillis / 1_000
        )
        var testCase = failedCase(failed)
        testCase.classname = "torture.run.\(report.scenario.name)"
        testCase.name = "\(report.scenario.name) seed \(report.parameters.seed)"
        var out = report.status == .held ? report.verdicts.map { "\($0.invariant): held" } : []
        if let coverage = report.coverage { out += [CoverageLines.counters(coverage), CoverageLines.sometimes(coverage)].compactMap { $0 } }
        if !out.isEmpty { testCase.systemOut = out.joined(separator: "\n") }
        return JUnitReport(name: "torture run \(report.scenario.name)",
                           suites: [Suite(name: report.scenario.name, timestamp: report.timing.startedAt, cases: [testCase])])
    }

    /// A run that did not hold, in lines: seed, invariants with witnesses, report folder, repro.
    private static func failureLines(_ failed: SoakSummary.FailedRun) -> String {
        var lines = ["seed \(failed.seed) (position \(failed.position)): \(failed.status.rawValue)"]
        for invariant in failed.invariants {
            lines.append("\(invariant.invariant): \(invariant.witnessCount) witnesses")
            lines += invariant.witnesses.map { "  " + $0 }
        }
        if let reason = failed.failureReason { lines.append(reason) }
        if let directory = failed.reportDirectory { lines.append("report: \(directory)") }
        lines.append("repro: \(failed.repro)")
        return lines.joined(separator: "\n")
    }

    private static func failedCase(_ failed: SoakSummary.FailedRun) -> Case {
        var testCase = Case(classname: "torture.soak.\(failed.scenario)",
                            name: "\(failed.scenario) seed #\(failed.position) (\(failed.seed))", seconds: failed.seconds)
        let text = failureLines(failed)
        switch failed.status {
        case .held:
            break
        case .violated:
            let names = failed.invariants.map(\.invariant)
            testCase.failure = Problem(
                message: failed.invariants.map { "\($0.invariant) violated (\($0.witnessCount) witnesses)" }.joined(separator: "; "),
                type: names.joined(separator: ","), text: text)
        case .storeFailed, .scenarioInvalid, .simulationBroken, .interrupted:
            testCase.error = Problem(message: failed.failureReason ?? failed.status.rawValue, type: failed.status.rawValue, text: text)
        }
        return testCase
    }
}
