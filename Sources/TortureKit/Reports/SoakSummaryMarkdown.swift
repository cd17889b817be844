/// A soak's `summary.md`, and the lines the CLI prints at its end.
public enum SoakSummaryMarkdown {
    public static func render(_ summary: SoakSummary) -> String {
        var lines = [
            "# soak — \(headline(summary))",
            "",
            "| | |",
            "|---|---|",
            "| seed start | `\(summary.seedStart)` (shard \(summary.shard)) |",
            "| seeds covered | \(summary.seedsCovered)\(seedSpan(summary)) |",
            "| runs | \(summary.runs): \(summary.runsHeld) held, \(summary.runsViolated) violated, \(summary.runsWithoutVerdict) without verdict |",
            "| time | \(Formatting.decimal(summary.durationSeconds, places: 1)) s, \(Formatting.decimal(summary.runsPerSecond, places: 2)) runs/s |",
            "| deliveries | \(summary.deliveries) |",
            "| limit | \(summary.limit)\(summary.keepGoing ? ", keep going" : "") |",
            "| workers, store | \(summary.workers), `\(summary.store)` |",
            "| started | \(summary.startedAt) |",
            "| stopped | \(summary.stopReason) |",
            "",
            "## Scenarios",
            "",
            "| scenario | runs | held | violated | no verdict | p50 | p99 | p99.9 | max |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for tally in summary.scenarios {
            let latency = [tally.latency.p50Micros, tally.latency.p99Micros, tally.latency.p999Micros, tally.latency.maxMicros]
                .map { tally.latency.count == 0 ? "–" : Formatting.duration(micros: $0) }
            lines.append("| \(tally.name) | \(tally.runs) | \(tally.held) | \(tally.violated) | \(tally.withoutVerdict) | "
                + latency.joined(separator: " | ") + " |")
        }
        let faults = summary.scenarios.filter { !$0.faultsFired.isEmpty }
        if !faults.isEmpty {
            lines += ["", "## Faults fired", "", "| scenario | fault | fired |", "|---|---|---|"]
            for tally in faults {
                lines += tally.faultsFired.sorted { $0.key < $1.key }.map { "| \(tally.name) | \($0.key) | \($0.value) |" }
            }
        }
        lines += coverageSection(summary)
        if !summary.violations.isEmpty {
            lines += ["", "## Runs that did not hold", ""]
            for failed in summary.violations {
                lines.append("### \(failed.scenario) seed `\(failed.seed)` — \(failed.status.rawValue)")
                lines.append("")
                if let reason = failed.failureReason { lines += [reason, ""] }
                for invariant in failed.invariants {
                    lines.append("- **\(invariant.invariant)**: \(invariant.witnessCount) witnesses, e.g. "
                        + (invariant.witnesses.first ?? "none"))
                }
                if let directory = failed.reportDirectory { lines.append("- report: `\(directory)`") }
                lines += ["", "```", failed.repro, "```", ""]
            }
            if summary.violationsOmitted > 0 { lines.append("… and \(summary.violationsOmitted) more, not listed.") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Per scenario that ran: its `sometimes:` conditions, and every counter with its total and the
    /// runs that moved it — a 0 is what no run explored.
    private static func coverageSection(_ summary: SoakSummary) -> [String] {
        let covered = summary.scenarios.compactMap { tally in tally.coverage.map { (tally.name, $0) } }.filter { $0.1.runs > 0 || !$0.1.sometimes.isEmpty }
        guard !covered.isEmpty else { return [] }
        var lines = ["", "## Coverage", ""]
        if let failure = coverageFailure(summary) { lines += ["**\(failure)**", ""] }
        for (name, coverage) in covered {
            lines += ["### \(name)", "", CoverageLines.counters(coverage), ""]
            if !coverage.sometimes.isEmpty {
                lines += ["| sometimes | condition | reached in runs | told in runs |", "|---|---|---|---|"]
                lines += coverage.sometimes.map { total in
                    "| \(total.name) | \(total.condition) | \(total.reachedRuns == 0 ? "**0: never**" : String(total.reachedRuns)) | \(total.evaluatedRuns) |"
                }
                lines.append("")
            }
            lines += ["| counter | total | runs |", "|---|---|---|"]
            lines += coverage.counters.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value.total == 0 ? "**0**" : String($0.value.total)) | \($0.value.runs) |" }
            lines.append("")
        }
        return lines
    }

    /// What `--require-coverage` fails on, in one sentence naming each condition; nil when it does not fail.
    public static func coverageFailure(_ summary: SoakSummary) -> String? {
        let never = summary.neverReached
        guard summary.requireCoverage, !never.isEmpty else { return nil }
        return "coverage required (--require-coverage): never reached in any run: "
            + never.map { "\($0.scenario) `\($0.condition.name)` (\($0.condition.condition))" }.joined(separator: ", ")
    }

    /// `held`, `VIOLATED`, `interrupted` …: the one word a person looks for first.
    public static func headline(_ summary: SoakSummary) -> String {
        var words: [String] = []
        if summary.runsViolated > 0 { words.append("VIOLATED") }
        if summary.runsWithoutVerdict > 0 { words.append("NO VERDICT for \(summary.runsWithoutVerdict) runs") }
        if words.isEmpty {
            words.append("held")
            // What fails a soak that held under --require-coverage.
            if summary.requireCoverage, !summary.neverReached.isEmpty { words.append("but COVERAGE MISSED") }
        }
        if summary.ending == .interrupted { words.append("(interrupted)") }
        return words.joined(separator: " ")
    }

    static func seedSpan(_ summary: SoakSummary) -> String {
        guard let first = summary.firstSeed, let last = summary.lastSeed else { return "" }
        return first == last ? " (`\(first)`)" : " (`\(first)` … `\(last)`)"
    }

    /// What `torture soak` prints at its end when not asked for JSON.
    public static func terminalLines(_ summary: SoakSummary, directory: String?) -> String {
        var lines = [
            "soak \(headline(summary)): \(summary.runs) runs (\(summary.runsHeld) held, \(summary.runsViolated) violated, "
                + "\(summary.runsWithoutVerdict) without verdict), \(summary.seedsCovered) seed\(summary.seedsCovered == 1 ? "" : "s") from \(summary.seedStart) "
                + "shard \(summary.shard), \(Formatting.decimal(summary.durationSeconds, places: 1)) s, "
                + "\(Formatting.decimal(summary.runsPerSecond, places: 2)) runs/s",
            "stopped: \(summary.stopReason)",
        ]
        let width = max(12, summary.scenarios.map(\.name.count).max() ?? 0) + 2
        for tally in summary.scenarios {
            lines.append("  " + Formatting.padded(tally.name, to: width) + "runs \(tally.runs)  held \(tally.held)  "
                + "violated \(tally.violated)  latency " + tally.latency.line)
            // Only scenarios that ran, or that declare conditions: a soak of the whole catalogue stays short.
            guard let coverage = tally.coverage, coverage.runs > 0 || !coverage.sometimes.isEmpty else { continue }
            let indent = String(repeating: " ", count: width + 2)
            lines.append(indent + CoverageLines.counters(coverage))
            if let sometimes = CoverageLines.sometimes(coverage) { lines.append(indent + sometimes) }
        }
        if let failure = coverageFailure(summary) { lines.append(failure) }
        for failed in summary.violations {
            lines.append("repro: \(failed.repro)")
        }
        if let directory { lines.append("soak report: \(directory)") }
        return lines.joined(separator: "\n")
    }
}
