/// A run's `index.html`: verdicts, the witness timeline when something broke, the latency
/// histogram and percentiles, deliveries over time, faults fired and the repro line.
public enum RunHTMLReport {
    /// A timeline per witness message is drawn for at most this many messages.
    public static let timelineMessageLimit = 6

    public static func render(_ outcome: RunEngine.Outcome) -> String {
        render(outcome, endToEnd: HistogramDigest(outcome.endToEnd))
    }

    /// With the end-to-end histogram already read (the `.hgrm` file is written from it too).
    static func render(_ outcome: RunEngine.Outcome, endToEnd: HistogramDigest) -> String {
        let report = outcome.report
        let parameters = report.parameters
        var body = [
            "<h1>\(HTMLPage.escape(report.scenario.name)) \(HTMLPage.badge(statusWords(report.status), good: report.status == .held))</h1>",
            "<p class=\"sub\">seed <b>\(parameters.seed)</b> · \(parameters.workers) workers · \(parameters.messages) messages × "
                + "\(parameters.deliveriesPerMessage) deliveries (\(parameters.concurrentDeliveries) concurrent) · "
                + "\(HTMLPage.escape(report.store)) · started \(HTMLPage.escape(report.timing.startedAt)) · torture \(report.toolVersion)</p>",
        ]
        if let reason = report.failureReason {
            body.append("<p><b>No verdict:</b> \(HTMLPage.escape(reason))</p>")
        }
        if report.status != .held {
            body += ["<h2>Reproduce</h2>", HTMLPage.code(report.repro)]
        }
        if !report.verdicts.isEmpty {
            body.append("<h2>Verdicts</h2>")
            body.append(HTMLPage.table(header: ["invariant", "verdict", "witnesses"], rows: report.verdicts.map {
                [$0.invariant, $0.held ? "held" : "VIOLATED", String($0.witnessCount)]
            }))
        }
        body += violationSections(outcome)
        body += latencySection(outcome, endToEnd: endToEnd)
        body += throughputSection(outcome)
        body += faultSection(report)
        body += coverageSection(report)
        body.append("<p class=\"muted\">fault plan \(report.faults.planHash) · scenario file \(HTMLPage.escape(report.scenario.file)) "
            + "(\(report.scenario.contentHash)) · history \(report.historyEvents) events</p>")
        return HTMLPage.render(title: "\(report.scenario.name) \(parameters.seed) — \(report.status.rawValue)", body: body)
    }

    static func statusWords(_ status: RunReport.Status) -> String {
        switch status {
        case .held: "held"
        case .violated: "VIOLATED"
        case .storeFailed: "STORE FAILED"
        case .scenarioInvalid: "SCENARIO INVALID"
        case .simulationBroken: "SIMULATION BROKEN"
        case .interrupted: "INTERRUPTED"
        }
    }

    private static func violationSections(_ outcome: RunEngine.Outcome) -> [String] {
        let violated = outcome.report.violatedVerdicts
        guard !violated.isEmpty else { return [] }
        var body: [String] = []
        for verdict in violated {
            body.append("<h3>\(HTMLPage.escape(verdict.invariant)): \(verdict.witnessCount) witnesses</h3><ul class=\"witnesses\">")
            body += verdict.witnesses.prefix(10).map { "<li>\(HTMLPage.escape($0.text))</li>" }
            if verdict.witnessCount > 10 { body.append("<li class=\"muted\">… \(verdict.witnessCount - 10) more in report.json</li>") }
            body.append("</ul>")
        }
        let messages = witnessMessages(outcome)
        guard !messages.isEmpty else { return body }
        body.append("<h2>Timeline of the witness messages</h2>")
        body.append(SVGWitnessTimeline.legend)
        var eventsByMessage: [Int: [HistoryEvent]] = [:]
        let wanted = Set(messages)
        for event in outcome.history where wanted.contains(event.message) {
            eventsByMessage[event.message, default: []].append(event)
        }
        let origin = outcome.history.firstTimeNanos ?? 0
        for message in messages {
            let events = eventsByMessage[message] ?? []
            body.append("<div class=\"chart\">" + SVGWitnessTimeline.render(message: message, events: events, runOriginNanos: origin)
                + SVGWitnessTimeline.table(message: message, events: events, runOriginNanos: origin) + "</div>")
        }
        return body
    }

    /// The first distinct messages the violated verdicts name, by name or through their events
    /// (found in a pass that keeps only those events' messages).
    static func witnessMessages(_ outcome: RunEngine.Outcome) -> [Int] {
        var messages: [Int] = []
        let witnesses = outcome.report.violatedVerdicts.flatMap(\.witnesses)
        let unnamed = Set(witnesses.filter { $0.message.flatMap(Names.messageIndex) == nil }.compactMap(\.events.first))
        var messageAt: [Int: Int] = [:]
        if !unnamed.isEmpty {
            for event in outcome.history where unnamed.contains(event.index) { messageAt[event.index] = event.message }
        }
        for verdict in outcome.report.violatedVerdicts {
            for witness in verdict.witnesses {
                let fromName = witness.message.flatMap(Names.messageIndex)
                let fromEvents = witness.events.first.flatMap { messageAt[$0] }
                if let message = fromName ?? fromEvents, !messages.contains(message) { messages.append(message) }
                if messages.count == timelineMessageLimit { return messages }
            }
        }
        return messages
    }

    private static func latencySection(_ outcome: RunEngine.Outcome, endToEnd: HistogramDigest) -> [String] {
        let report = outcome.report
        var rows = PercentileTable(endToEnd).rows.map { row in
            ["end to end", "p" + percentileLabel(row.percentile), Formatting.duration(micros: row.valueMicros)]
        }
        for step in report.latency.steps where step.summary.count > 0 {
            rows.append(["step \(step.step)", "p50 / p99 / max",
                         [step.summary.p50Micros, step.summary.p99Micros, step.summary.maxMicros].map { Formatting.duration(micros: $0) }
                            .joined(separator: " / ")])
        }
        var series = [SVGPercentileChart.Series(name: "end to end", color: SVGPercentileChart.palette[0],
                                                curve: PercentileCurve(endToEnd), bold: true)]
        for (index, step) in zip(report.latency.steps.indices, report.latency.steps) where index < outcome.steps.count {
            series.append(.init(name: "step \(step.step)", color: SVGPercentileChart.palette[(index + 1) % SVGPercentileChart.palette.count],
                                curve: PercentileCurve(HistogramDigest(outcome.steps[index]))))
        }
        return [
            "<h2>Latency</h2>",
            "<p class=\"muted\">End to end: from a message's first hand-over to the moment its work landed. A step: one statement, "
                + "from sending it to its answer.</p>",
            "<div class=\"charts\"><div class=\"chart\">"
                + SVGPercentileChart.render(series, title: "latency by percentile, end to end and per step") + "</div><div>"
                + HTMLPage.table(header: ["what", "percentile", "latency"], rows: rows, numericFrom: 2) + "</div></div>",
            "<div class=\"charts\"><div class=\"chart\">"
                + SVGLatencyChart.render(LatencyDistribution(endToEnd), summary: report.latency.endToEnd,
                                         title: "end to end, \(report.latency.endToEnd.count) messages") + "</div></div>",
            "<div class=\"chart wide\">" + SVGLatencyOverTime.render(LatencyOverTime(outcome.history),
                                                                     title: "end-to-end latency over the run, p50 and p99 per window") + "</div>",
        ]
    }

    static func percentileLabel(_ percentile: Double) -> String {
        percentile == percentile.rounded() ? String(Int(percentile)) : String(percentile)
    }

    private static func throughputSection(_ outcome: RunEngine.Outcome) -> [String] {
        let report = outcome.report
        let counts = report.counts
        return [
            "<h2>Throughput</h2>",
            "<p>\(counts.deliveries) deliveries (done \(counts.done), skipped \(counts.skipped), failed \(counts.failed)) in "
                + "\(Formatting.duration(micros: report.timing.processingMillis * 1_000)): "
                + "<b>\(Int(report.timing.deliveriesPerSecond.rounded())) deliveries/s</b>"
                + (counts.storeErrors.isEmpty ? "" : "; store errors " + HTMLPage.escape(counts.storeErrors.sorted { $0.key < $1.key }
                    .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))) + "</p>",
            "<div class=\"chart wide\">" + SVGThroughputChart.render(outcome.throughput,
                                                                title: "deliveries finished", unit: "deliveries",
                                                                averagePerSecond: report.timing.deliveriesPerSecond) + "</div>",
        ]
    }

    private static func coverageSection(_ report: RunReport) -> [String] {
        guard let coverage = report.coverage else { return [] }
        var body = ["<h2>Coverage</h2>", "<p>\(HTMLPage.escape(CoverageLines.counters(coverage)))</p>"]
        if !coverage.sometimes.isEmpty {
            body.append(HTMLPage.table(header: ["sometimes", "condition", ""], rows: coverage.sometimes.map {
                [$0.name, $0.condition, CoverageLines.words($0.reached)]
            }, numericFrom: 3))
        }
        body.append(HTMLPage.table(header: ["counter", "count"], rows: coverage.counters.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
        return body
    }

    private static func faultSection(_ report: RunReport) -> [String] {
        var body = ["<h2>Faults</h2>"]
        if report.faults.firedByKindAndPoint.isEmpty {
            body.append("<p class=\"muted\">No fault fired.</p>")
        } else {
            body.append(HTMLPage.table(header: ["fault @ point", "fired"],
                                       rows: report.faults.firedByKindAndPoint.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
        }
        return body
    }
}
