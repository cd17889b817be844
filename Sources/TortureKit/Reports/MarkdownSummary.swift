/// `summary.md`: the report for a person, in a file.
public enum MarkdownSummary {
    public static func render(_ report: RunReport) -> String {
        let parameters = report.parameters
        var lines = [
            "# \(report.scenario.name) — \(report.status.rawValue)",
            "",
            "| parameter | value |",
            "|---|---|",
            "| seed | `\(parameters.seed)` |",
            "| workers | \(parameters.workers) |",
            "| messages | \(parameters.messages) × \(parameters.deliveriesPerMessage) deliveries (\(parameters.concurrentDeliveries) concurrent) |",
            "| arrival | \(parameters.arrival.words) |",
            "| store | `\(report.store)` |",
            "| scenario file | `\(report.scenario.file)` (\(report.scenario.contentHash)) |",
            "| fault plan | `\(report.faults.planHash)`, \(report.faults.firedTotal) faults fired |",
            "| started | \(report.timing.startedAt) |",
            "| tool | torture \(report.toolVersion) |",
            "",
        ]
        if let reason = report.failureReason {
            lines += ["**No verdict:** \(reason)", ""]
        }
        if let kept = report.keptRunSpace {
            lines += ["**Kept** \(kept.description): \(kept.keptBecause ?? "kept"). Remove it with `\(kept.dropCommand)`", ""]
        }
        if !report.verdicts.isEmpty {
            lines += ["## Verdicts", "", "| invariant | verdict | witnesses |", "|---|---|---|"]
            for verdict in report.verdicts {
                lines.append("| \(verdict.invariant) | \(verdict.held ? "held" : "**violated**") | \(verdict.witnessCount) |")
            }
            lines.append("")
        }
        for verdict in report.violatedVerdicts {
            lines += ["### \(verdict.invariant): first witnesses", ""]
            lines += verdict.witnesses.prefix(20).map { "- \($0.text)" }
            lines.append("")
        }
        lines += ["## Latency", "", "| what | count | p50 | p90 | p99 | p99.9 | max |", "|---|---|---|---|---|---|---|"]
        lines.append(latencyRow("end to end", report.latency.endToEnd))
        for step in report.latency.steps { lines.append(latencyRow("step \(step.step)", step.summary)) }
        let counts = report.counts
        lines += [
            "",
            "## Counts",
            "",
            "deliveries \(counts.deliveries): done \(counts.done), skipped \(counts.skipped), failed \(counts.failed); "
                + "\(Int(report.timing.deliveriesPerSecond.rounded())) deliveries/s; history \(report.historyEvents) events",
        ]
        if let queue = report.queue { lines += ["", TerminalSummary.queueLine(queue)] }
        if let actors = report.actors { lines += ["", TerminalSummary.actorsLine(actors)] }
        if let handler = report.handler {
            lines += ["", TerminalSummary.handlerLine(handler)]
            if !handler.stderrFiles.isEmpty { lines += [""] + handler.stderrFiles.map { "- [\($0)](\($0))" } }
        }
        if let budget = TerminalSummary.budgetLine(report) { lines += ["", budget] }
        let policy = report.delivery
        lines += ["", "delivery: \(policy.preset.rawValue), visibility timeout \(policy.visibilityTimeoutMillis) ms, "
            + "max receive count \(policy.maxReceiveCount), retry delay \(policy.retryDelayMillis) ms, subscribers \(policy.subscribers)"]
        if !report.faults.firedByKindAndPoint.isEmpty {
            lines += ["", "| fault | fired |", "|---|---|"]
            lines += report.faults.firedByKindAndPoint.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value) |" }
        }
        if let coverage = report.coverage { lines += [""] + coverageSection(coverage) }
        if report.status != .held {
            lines += ["", "## Reproduce", "", "```", report.repro, "```"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every counter, 0 included: the zeros are what the run never explored.
    private static func coverageSection(_ coverage: RunCoverage) -> [String] {
        var lines = ["## Coverage", "", CoverageLines.counters(coverage), "", "| counter | count |", "|---|---|"]
        lines += coverage.counters.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value == 0 ? "**0**" : String($0.value)) |" }
        if !coverage.sometimes.isEmpty {
            lines += ["", "| sometimes | condition | |", "|---|---|---|"]
            lines += coverage.sometimes.map { "| \($0.name) | \($0.condition) | \(CoverageLines.words($0.reached)) |" }
        }
        return lines
    }

    private static func latencyRow(_ label: String, _ summary: LatencySummary) -> String {
        let cells = [summary.p50Micros, summary.p90Micros, summary.p99Micros, summary.p999Micros, summary.maxMicros]
            .map { Formatting.duration(micros: $0) }
        return "| \(label) | \(summary.count) | " + cells.joined(separator: " | ") + " |"
    }
}
