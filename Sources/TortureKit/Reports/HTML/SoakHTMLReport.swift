import Foundation

/// A soak's `index.html`: how much ran, what held, every failed run with its repro line and a link
/// to its own report, deliveries over soak time, and per scenario the merged latency histogram,
/// percentiles and faults fired.
public enum SoakHTMLReport {
    /// `reportRoot` and `directory` turn failed runs' report folders into relative links, so the
    /// folder can be uploaded and opened anywhere.
    public static func render(_ summary: SoakSummary, reportRoot: String, directory: String, generatedAt: String) -> String {
        let good = summary.runsViolated == 0 && summary.runsWithoutVerdict == 0 && SoakSummaryMarkdown.coverageFailure(summary) == nil
        var body = [
            "<h1>soak \(HTMLPage.badge(SoakSummaryMarkdown.headline(summary), good: good))</h1>",
            "<p class=\"sub\">seed start <b>\(summary.seedStart)</b> · shard \(summary.shard) · \(summary.workers) workers · "
                + "\(HTMLPage.escape(summary.store)) · started \(HTMLPage.escape(summary.startedAt)) · written \(HTMLPage.escape(generatedAt)) · "
                + "torture \(summary.toolVersion)</p>",
            HTMLPage.table(header: [], rows: [
                ["runs", "\(summary.runs): \(summary.runsHeld) held, \(summary.runsViolated) violated, \(summary.runsWithoutVerdict) without verdict"],
                ["seeds covered", "\(summary.seedsCovered)" + SoakSummaryMarkdown.seedSpan(summary).replacingOccurrences(of: "`", with: "")],
                ["time", "\(Formatting.decimal(summary.durationSeconds, places: 1)) s, \(Formatting.decimal(summary.runsPerSecond, places: 2)) runs/s"],
                ["deliveries", String(summary.deliveries)],
                ["limit", "\(summary.limit)\(summary.keepGoing ? ", keep going" : "")"],
                ["stopped", summary.stopReason],
            ], numericFrom: 2),
        ]
        if let failure = SoakSummaryMarkdown.coverageFailure(summary) { body.append("<p><b>\(HTMLPage.escape(failure))</b></p>") }
        body += failedRuns(summary, reportRoot: reportRoot, directory: directory)
        body.append("<h2>Scenarios</h2>")
        body.append(HTMLPage.table(header: ["scenario", "runs", "held", "violated", "no verdict", "deliveries", "p50", "p99", "max"],
                                   rows: summary.scenarios.map { tally in
            [tally.name, String(tally.runs), String(tally.held), String(tally.violated), String(tally.withoutVerdict), String(tally.deliveries)]
                + [tally.latency.p50Micros, tally.latency.p99Micros, tally.latency.maxMicros].map {
                    tally.latency.count == 0 ? "–" : Formatting.duration(micros: $0)
                }
        }))
        body.append("<div class=\"chart wide\">" + SVGThroughputChart.render(summary.throughput, title: "deliveries over soak time",
                                                                        unit: "deliveries") + "</div>")
        for tally in summary.scenarios {
            body.append("<h2>\(HTMLPage.escape(tally.name))</h2>")
            let percentiles = tally.percentiles.rows.map { ["p" + RunHTMLReport.percentileLabel($0.percentile), Formatting.duration(micros: $0.valueMicros)] }
            let faults = tally.faultsFired.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }
            let curve = SVGPercentileChart.Series(name: "end to end", color: SVGPercentileChart.palette[0], curve: tally.percentileCurve, bold: true)
            body.append("<div class=\"charts\"><div class=\"chart\">"
                + SVGPercentileChart.render([curve], title: "\(tally.name): latency by percentile, \(tally.runs) runs merged")
                + "</div><div class=\"chart\">"
                + SVGLatencyChart.render(tally.distribution, summary: tally.latency, title: "\(tally.name): \(tally.latency.count) messages, \(tally.runs) runs merged")
                + "</div><div>" + HTMLPage.table(header: ["percentile", "latency"], rows: percentiles)
                + (faults.isEmpty ? "<p class=\"muted\">No fault fired.</p>" : HTMLPage.table(header: ["fault @ point", "fired"], rows: faults))
                + "</div></div>")
            if let coverage = tally.coverage { body += coverageSection(coverage) }
        }
        return HTMLPage.render(title: "soak \(summary.seedStart) shard \(summary.shard) — \(SoakSummaryMarkdown.headline(summary))", body: body)
    }

    /// The scenario's `sometimes:` conditions and every counter summed over its runs: the zeros are
    /// what no run explored.
    private static func coverageSection(_ coverage: SoakCoverage) -> [String] {
        var body = ["<h3>Coverage</h3>", "<p>\(HTMLPage.escape(CoverageLines.counters(coverage)))</p>"]
        if !coverage.sometimes.isEmpty {
            body.append(HTMLPage.table(header: ["sometimes", "condition", "reached in runs", "told in runs"], rows: coverage.sometimes.map {
                [$0.name, $0.condition, $0.reachedRuns == 0 ? "0: NEVER" : String($0.reachedRuns), String($0.evaluatedRuns)]
            }, numericFrom: 2))
        }
        if !coverage.counters.isEmpty {
            body.append(HTMLPage.table(header: ["counter", "total", "runs"], rows: coverage.counters.sorted { $0.key < $1.key }.map {
                [$0.key, String($0.value.total), String($0.value.runs)]
            }))
        }
        return body
    }

    private static func failedRuns(_ summary: SoakSummary, reportRoot: String, directory: String) -> [String] {
        guard !summary.violations.isEmpty else { return [] }
        var body = ["<h2>Runs that did not hold</h2>"]
        for failed in summary.violations {
            var heading = "<h3>\(HTMLPage.escape(failed.scenario)) seed \(failed.seed) — \(HTMLPage.escape(failed.status.rawValue))"
            if let link = failed.reportDirectory.flatMap({ relativePath(from: directory, to: $0) }) {
                heading += " · <a href=\"\(HTMLPage.escape(link))/index.html\">its report</a>"
            }
            body.append(heading + "</h3>")
            if let reason = failed.failureReason { body.append("<p>\(HTMLPage.escape(reason))</p>") }
            body.append("<ul class=\"witnesses\">")
            for invariant in failed.invariants {
                body.append("<li><b>\(HTMLPage.escape(invariant.invariant))</b>: \(invariant.witnessCount) witnesses, e.g. "
                    + HTMLPage.escape(invariant.witnesses.first ?? "none") + "</li>")
            }
            body.append("</ul>")
            body.append(HTMLPage.code(failed.repro))
        }
        if summary.violationsOmitted > 0 { body.append("<p class=\"muted\">… and \(summary.violationsOmitted) more, not listed.</p>") }
        return body
    }

    /// `../../race-claim/…` from the soak folder to a run folder, when both are paths of the same kind.
    static func relativePath(from directory: String, to target: String) -> String? {
        guard directory.hasPrefix("/") == target.hasPrefix("/") else { return nil }
        let from = directory.split(separator: "/").filter { $0 != "." }
        let to = target.split(separator: "/").filter { $0 != "." }
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        guard !from[common...].contains("..") else { return nil }
        return (Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)).joined(separator: "/")
    }
}
