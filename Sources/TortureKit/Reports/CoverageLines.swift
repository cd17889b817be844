/// Coverage in a few short lines, shared by the terminal, summary.md and JUnit: how many counters
/// moved, the first of those that did not, and each `sometimes:` condition.
public enum CoverageLines {
    /// Counters that never moved, named at most: the rest are counted (report.json has them all).
    public static let namesShown = 6

    /// `coverage: 15 of 18 counters moved; never: fault:crash@after-commit, step:submit failed, …`
    public static func counters(_ coverage: RunCoverage) -> String {
        "coverage: \(coverage.reachedCount) of \(coverage.counters.count) counters moved" + never(coverage.unreachedCounters)
    }

    /// `sometimes: some-claimed reached, never-true NOT reached`; nil when the scenario declares none.
    public static func sometimes(_ coverage: RunCoverage) -> String? {
        guard !coverage.sometimes.isEmpty else { return nil }
        return "sometimes: " + coverage.sometimes.map { "\($0.name) \(words($0.reached))" }.joined(separator: ", ")
    }

    /// `coverage over 20 runs: 16 of 18 counters moved; never: …`
    public static func counters(_ coverage: SoakCoverage) -> String {
        "coverage over \(coverage.runs) run\(coverage.runs == 1 ? "" : "s"): \(coverage.reachedCount) of \(coverage.counters.count) counters moved"
            + never(coverage.unreachedCounters)
    }

    /// `sometimes: dead-lettered in 18 of 20 runs, never-true NEVER (0 of 20)`; nil when none is declared.
    public static func sometimes(_ coverage: SoakCoverage) -> String? {
        guard !coverage.sometimes.isEmpty else { return nil }
        return "sometimes: " + coverage.sometimes.map(reachedIn).joined(separator: ", ")
    }

    /// `never-true in 0 of 20 runs: NEVER`, `dead-lettered in 18 of 20 runs`.
    public static func reachedIn(_ total: SoakCoverage.SometimesTotal) -> String {
        total.reachedRuns == 0 ? "\(total.name) NEVER (0 of \(total.evaluatedRuns))"
            : "\(total.name) in \(total.reachedRuns) of \(total.evaluatedRuns) runs"
    }

    public static func words(_ reached: Bool?) -> String {
        switch reached {
        case true?: "reached"
        case false?: "NOT reached"
        case nil: "not told (the run ended before its checks)"
        }
    }

    private static func never(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let shown = names.prefix(namesShown).joined(separator: ", ")
        return "; never: " + shown + (names.count > namesShown ? ", … and \(names.count - namesShown) more" : "")
    }
}
