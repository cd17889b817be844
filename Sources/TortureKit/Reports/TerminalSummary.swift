/// The lines `torture run` prints at the end: what ran, the verdict table, latency, and on a
/// violation the first witnesses in words and the repro line.
public enum TerminalSummary {
    /// How many witnesses per violated invariant are spelled out.
    public static let witnessesShown = 5

    public static func render(_ report: RunReport, reportDirectory: String?) -> String {
        var lines: [String] = []
        let parameters = report.parameters
        let capped = report.processors < parameters.workers ? " (capped at \(report.processors))" : ""
        lines.append("\(report.scenario.name)  seed \(parameters.seed)  workers \(parameters.workers)\(capped)  "
            + "messages \(parameters.messages) × \(parameters.deliveriesPerMessage) deliveries"
            + (parameters.arrival == .allAtOnce ? "" : "  arrival \(parameters.arrival.words)") + "  store \(report.store)")
        if let swarm = parameters.swarm { lines.append("swarm  \(swarm.words)") }
        if let simulation = report.simulation {
            lines.append("scheduler \(parameters.scheduler)  history \(report.historyHash)  jobs \(simulation.jobsRun)  "
                + (simulation.lockWaits.map { "lock waits \($0)  " } ?? "")
                + "virtual time \(Formatting.duration(micros: simulation.virtualMillis * 1_000))"
                + (simulation.foreignEnqueues > 0 ? "  FOREIGN ENQUEUES \(simulation.foreignEnqueues)" : ""))
        }
        lines.append("fault plan \(report.faults.planHash)  faults fired \(report.faults.firedTotal)"
            + faultBreakdown(report.faults.firedByKindAndPoint))
        lines.append("")

        if [.storeFailed, .scenarioInvalid, .interrupted].contains(report.status) {
            let label = switch report.status {
            case .storeFailed: "STORE FAILED"
            case .interrupted: "INTERRUPTED"
            default: "SCENARIO INVALID"
            }
            lines.append("\(label): \(report.failureReason ?? "unknown reason")")
            lines.append("no verdict: the run did not finish (\(report.counts.deliveries) deliveries recorded)")
        } else {
            let width = max(24, (report.verdicts.map(\.invariant.count).max() ?? 0) + 2)
            lines.append(Formatting.padded("invariant", to: width) + Formatting.padded("verdict", to: 11) + "witnesses")
            for verdict in report.verdicts {
                lines.append(Formatting.padded(verdict.invariant, to: width)
                    + Formatting.padded(verdict.held ? "held" : "VIOLATED", to: 11) + String(verdict.witnessCount))
            }
        }
        lines.append("")
        let counts = report.counts
        lines.append("deliveries \(counts.deliveries) (done \(counts.done), skipped \(counts.skipped), failed \(counts.failed)) in "
            + Formatting.duration(micros: report.timing.processingMillis * 1_000) + ", "
            + "\(Int(report.timing.deliveriesPerSecond.rounded())) deliveries/s"
            + (counts.storeErrors.isEmpty ? "" : "; store errors " + counts.storeErrors.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")))
        let incidents = [("crashed", counts.crashed), ("timed out", counts.timedOut), ("dead-lettered", counts.deadLettered),
                         ("stale acks", counts.staleAcks), ("swallowed", counts.swallowed)].filter { $0.1 > 0 }
        if !incidents.isEmpty { lines.append("  " + incidents.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) }
        if let warning = nothingFinishedWarning(counts) { lines.append(warning) }
        if let queue = report.queue { lines.append(queueLine(queue)) }
        if let actors = report.actors { lines.append(actorsLine(actors)) }
        if let handler = report.handler { lines.append(handlerLine(handler)) }
        if let coverage = report.coverage {
            lines.append(CoverageLines.counters(coverage))
            if let sometimes = CoverageLines.sometimes(coverage) { lines.append(sometimes) }
        }
        lines.append("latency end-to-end  " + report.latency.endToEnd.line)
        if let budget = budgetLine(report) { lines.append(budget) }
        let stepWidth = max(8, report.latency.steps.map(\.step.count).max() ?? 0)
        for step in report.latency.steps {
            lines.append("  step " + Formatting.padded(step.step, to: stepWidth) + "  " + step.summary.line)
        }

        for verdict in report.violatedVerdicts {
            lines.append("")
            lines.append("\(verdict.invariant) violated: \(verdict.witnessCount) witness\(verdict.witnessCount == 1 ? "" : "es")")
            for witness in verdict.witnesses.prefix(witnessesShown) { lines.append("  " + witness.text) }
            if verdict.witnessCount > witnessesShown { lines.append("  … and \(verdict.witnessCount - witnessesShown) more in report.json") }
        }
        if let reportDirectory { lines.append("\nreport: \(reportDirectory)") }
        if let kept = report.keptRunSpace {
            lines.append("kept \(kept.description) (\(kept.keptBecause ?? "kept")); remove it with: \(kept.dropCommand)")
        }
        if showsRepro(report.status) {
            lines.append("repro: \(report.repro)")
        }
        return lines.joined(separator: "\n")
    }

    /// A repro line promises that the command finds the same thing again. A scenario the store
    /// refused is refused on every seed: the fix is in the file, which the reason names.
    public static func showsRepro(_ status: RunReport.Status) -> Bool {
        status != .held && status != .scenarioInvalid
    }

    /// `actors: sweeper-1 41 runs (2 failed), published 17; …`
    static func actorsLine(_ actors: [ActorSummary]) -> String {
        "actors: " + actors.map { actor in
            let troubles = [("failed", actor.failed), ("crashed", actor.crashed), ("skipped", actor.skipped)].filter { $0.1 > 0 }
            let aside = troubles.isEmpty ? "" : " (" + troubles.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
            return "\(actor.name) \(actor.runs) runs\(aside)" + (actor.published > 0 ? ", published \(actor.published)" : "")
        }.joined(separator: "; ")
    }

    /// `handler python3 h.py (0x…): 8 cold starts (p50 140 ms, max 210 ms); protocol failures 2`
    static func handlerLine(_ handler: HandlerSummary) -> String {
        let troubles = [("protocol failures", handler.protocolFailures), ("killed past timeout-millis", handler.timeouts)].filter { $0.1 > 0 }
        return "handler `\(handler.command)` (\(handler.contentHash)): \(handler.coldStarts) cold start\(handler.coldStarts == 1 ? "" : "s")"
            + (handler.coldStarts > 0 ? " (p50 \(Formatting.duration(micros: handler.coldStartP50Millis * 1_000)), "
                + "max \(Formatting.duration(micros: handler.coldStartMaxMillis * 1_000)))" : "")
            + troubles.map { "; \($0.0) \($0.1)" }.joined()
            + (handler.stderrFiles.isEmpty ? "" : "; stderr in handler-stderr/")
    }

    static func queueLine(_ queue: QueueCounts) -> String {
        "queue: published \(queue.published), processed \(queue.processed), dead-lettered \(queue.deadLettered); "
            + "lost \(queue.lost), duplicated \(queue.duplicated), unexpected \(queue.unexpected), recovered \(queue.recovered), "
            + "skipped without a processed copy \(queue.skippedWithoutProcessedCopy)"
    }

    /// The seed systems promise a latency (seed 000: under 500 ms); say whether this run kept it.
    static func budgetLine(_ report: RunReport) -> String? {
        guard let budget = report.latencyBudgetMillis, report.latency.endToEnd.count > 0 else { return nil }
        let p99Millis = report.latency.endToEnd.p99Micros / 1_000
        let verdict = p99Millis <= Double(budget) ? "kept" : "EXCEEDED"
        return "latency budget: p99 end-to-end \(Formatting.duration(micros: report.latency.endToEnd.p99Micros)) against \(budget) ms: \(verdict)"
    }

    static func faultBreakdown(_ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "" }
        return " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    /// A verdict over a run in which no delivery got its work done, and store errors ended them:
    /// the invariants held over nothing. Most often the scenario's SQL does not run on this store.
    static func nothingFinishedWarning(_ counts: DeliveryCounts) -> String? {
        guard counts.deliveries > 0, counts.done == 0, !counts.storeErrors.isEmpty else { return nil }
        return "warning: no delivery finished its work: store errors ended them (first: \(counts.firstStoreError ?? "not recorded")); "
            + "the verdicts above hold over nothing done — does the scenario's SQL run on this store?"
    }
}
