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
    /// One suite per scenario; a case per range of seeds that held and one per run that did not.
    public static func soak(_ summary: SoakSummary) -> JUnitReport {
        let suites = summary.scenarios.map { tally in
            var cases = tally.heldRanges.map { range in
                Case(
                    classname: "torture.soak.\(tally.name)",
                    name: range.firstPosition == range.lastPosition
                        ? "\(tally.name) seed #\(range.firstPosition) (\(range.firstSeed))"
                        : "\(tally.name) seeds #\(range.firstPosition)–#\(range.lastPosition) (\(range.runs) runs held)",
                    seconds: range.seconds,
                    systemOut: "seeds \(range.firstSeed) … \(range.lastSeed): positions \(range.firstPosition)–\(range.lastPosition) "
                        + "of the sequence from --seed-start \(summary.seedStart), shard \(summary.shard)"
                )
            }
            cases += summary.violations.filter { $0.scenario == tally.name }.map(failedCase)
            return Suite(name: tally.name, timestamp: summary.startedAt, cases: cases.sorted { position(of: $0) < position(of: $1) })
        }
        return JUnitReport(name: "torture soak \(summary.seedStart) shard \(summary.shard)", suites: suites)
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
        if report.status == .held {
            testCase.systemOut = report.verdicts.map { "\($0.invariant): held" }.joined(separator: "\n")
        }
        return JUnitReport(name: "torture run \(report.scenario.name)",
                           suites: [Suite(name: report.scenario.name, timestamp: report.timing.startedAt, cases: [testCase])])
    }

    private static func failedCase(_ failed: SoakSummary.FailedRun) -> Case {
        var testCase = Case(classname: "torture.soak.\(failed.scenario)",
                            name: "\(failed.scenario) seed #\(failed.position) (\(failed.seed))", seconds: failed.seconds)
        var lines: [String] = []
        for invariant in failed.invariants {
            lines.append("\(invariant.invariant): \(invariant.witnessCount) witnesses")
            lines += invariant.witnesses.map { "  " + $0 }
        }
        if let reason = failed.failureReason { lines.append(reason) }
        if let directory = failed.reportDirectory { lines.append("report: \(directory)") }
        lines.append("repro: \(failed.repro)")
        let text = lines.joined(separator: "\n")
        switch failed.status {
        case .held:
            break
        case .violated:
            let names = failed.invariants.map(\.invariant)
            testCase.failure = Problem(
                message: failed.invariants.map { "\($0.invariant) violated (\($0.witnessCount) witnesses)" }.joined(separator: "; "),
                type: names.joined(separator: ","), text: text)
        case .storeFailed, .scenarioInvalid, .simulationBroken:
            testCase.error = Problem(message: failed.failureReason ?? failed.status.rawValue, type: failed.status.rawValue, text: text)
        }
        return testCase
    }

    /// Cases in seed order: "#12" in the name.
    private static func position(of testCase: Case) -> Int {
        guard let hash = testCase.name.firstIndex(of: "#") else { return 0 }
        return Int(testCase.name[testCase.name.index(after: hash)...].prefix { $0.isNumber }) ?? 0
    }
}
