/// A violation's witness messages across workers, the way Jepsen's timeline draws a history: one
/// row per delivery of the message, a bar from hand-over to acknowledgement in the worker's
/// colour of outcome, and a mark where it claimed, submitted, committed, failed or met a fault.
enum SVGWitnessTimeline {
    static let width = 980.0
    static let rowHeight = 26.0

    /// One chart per message; `runOriginNanos` is the run's first event, so times read as run time.
    static func render(message: Int, events: [HistoryEvent], runOriginNanos: UInt64) -> String {
        let rows = DeliveryRow.rows(from: events)
        guard let firstNanos = events.map(\.timeNanos).min(), let lastNanos = events.map(\.timeNanos).max(), !rows.isEmpty else {
            return "<p class=\"muted\">\(Names.message(message)): no events.</p>"
        }
        let left = 130.0, right = 20.0, top = 30.0, bottom = 30.0
        let height = top + bottom + rowHeight * Double(rows.count)
        let plotWidth = width - left - right
        let spanNanos = max(1, lastNanos - firstNanos)
        func x(_ nanos: UInt64) -> Double { left + plotWidth * Double(nanos - firstNanos) / Double(spanNanos) }
        func runTime(_ nanos: UInt64) -> String { Formatting.duration(micros: Double(nanos &- runOriginNanos) / 1_000) }

        var svg = SVGCanvas(width: width, height: height, label: "timeline of \(Names.message(message))")
        svg.text("\(Names.message(message)): \(rows.count) deliveries, \(Formatting.duration(micros: Double(spanNanos) / 1_000)) "
            + "from first to last event", x: left, y: 16, anchor: "start", weight: "600")
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let middle = y + rowHeight / 2
            svg.text(row.lane, x: left - 10, y: middle + 4, anchor: "end")
            svg.line(x1: left, y1: middle, x2: left + plotWidth, y2: middle, stroke: "#f0f1f4")
            let end = row.endNanos ?? lastNanos
            svg.rect(x: x(row.startNanos), y: middle - 5, width: max(2, x(end) - x(row.startNanos)), height: 10,
                     fill: row.outcome.color, tip: "\(row.lane): \(row.outcome.words), "
                        + "\(runTime(row.startNanos)) → \(row.endNanos.map(runTime) ?? "never acknowledged")", opacity: 0.35)
            // Claims last, so they sit on top of the step that follows them at nearly the same time.
            for (event, mark) in row.drawnMarks.sorted(by: { $0.1.layer < $1.1.layer }) {
                svg.marker(mark.shape, x: x(event.timeNanos), y: middle, fill: mark.color,
                           tip: "\(runTime(event.timeNanos)) \(Names.worker(event.worker)) \(mark.words)")
            }
        }
        let axisY = top + rowHeight * Double(rows.count) + 16
        svg.text("run time \(runTime(firstNanos))", x: left, y: axisY, anchor: "start")
        svg.text(runTime(lastNanos), x: left + plotWidth, y: axisY, anchor: "end")
        return svg.finish()
    }

    /// At most this many lines in a message's table of marks; the history holds the rest.
    static let tableLineLimit = 40

    /// What the chart shows, as text: every delivery and every mark with its time and detail, so
    /// nothing needs a hover (nor a mouse: a screenshot or a print shows it all).
    static func table(message: Int, events: [HistoryEvent], runOriginNanos: UInt64) -> String {
        func runTime(_ nanos: UInt64) -> String { Formatting.duration(micros: Double(nanos &- runOriginNanos) / 1_000) }
        // Cells are escaped here; the mark's symbol is drawn in its colour, as on the chart.
        var lines: [[String]] = []
        for row in DeliveryRow.rows(from: events) {
            lines.append([runTime(row.startNanos), row.lane, HTMLPage.escape("handed over; \(row.outcome.words)"
                + (row.endNanos.map { " at \(runTime($0))" } ?? ""))])
            lines += row.drawnMarks.map { event, mark in
                [runTime(event.timeNanos), row.lane, "<span style=\"color:\(mark.color)\">\(mark.symbol)</span> " + HTMLPage.escape(mark.words)]
            }
        }
        var html = "<table class=\"marks\"><thead><tr><th class=\"n\">run time</th><th>delivery</th><th>what happened</th></tr></thead><tbody>"
        for line in lines.prefix(tableLineLimit) {
            html += "<tr><td class=\"n\">\(HTMLPage.escape(line[0]))</td><td>\(HTMLPage.escape(line[1]))</td><td>\(line[2])</td></tr>"
        }
        html += "</tbody></table>"
        if lines.count > tableLineLimit {
            html += "<p class=\"muted\">… \(lines.count - tableLineLimit) more lines for \(Names.message(message)) in history.jsonl</p>"
        }
        return html
    }

    static let legend = """
        <p class="legend"><span><b style="color:#2e8b57">◆</b> claimed / submitted</span>\
        <span><b style="color:#7b4fa8">○</b> recognised a duplicate: skipped</span>\
        <span><b style="color:#3465a4">●</b> committed / work landed</span>\
        <span><b style="color:#8a92a3">●</b> other step ok</span>\
        <span><b style="color:#c62828">✕</b> step failed</span>\
        <span><b style="color:#8b1a1a">│</b> rolled back</span>\
        <span><b style="color:#e08a00">▲</b> fault fired / duplicate published</span>\
        <span><b style="color:#6d4c1f">■</b> crashed, timed out or dead-lettered</span></p>
        <p class="legend">Each row is one delivery of the message: the worker that received it, then <b>c</b> — which copy \
        of the message (published copies are c1, c2, …; a copy a duplicate fault injected is c10000 and up) — and <b>r</b> — that \
        copy's receive number (r2 is its second hand-over, after a nack or an expired lease); <b>s1</b>, <b>s2</b>, … name the \
        subscriber when the message fans out. Bars run from hand-over to acknowledgement: green done, grey skipped as a \
        duplicate, red failed, orange never acknowledged. The table under each chart lists every mark.</p>
        """

    /// One delivery of the message: who had it, when, how it ended, and what happened inside.
    struct DeliveryRow {
        enum Outcome {
            case done, skipped, failed, unfinished

            var color: String {
                switch self {
                case .done: "#2e8b57"
                case .skipped: "#8a92a3"
                case .failed: "#c62828"
                case .unfinished: "#e08a00"
                }
            }

            var words: String {
                switch self {
                case .done: "done"
                case .skipped: "skipped as a duplicate"
                case .failed: "failed"
                case .unfinished: "never acknowledged"
                }
            }
        }

        var worker: Int
        /// The delivery: copy, receive and subscriber tell the rows of one message apart.
        var delivery: Delivery
        var startNanos: UInt64
        var endNanos: UInt64?
        var outcome = Outcome.unfinished
        var marks: [HistoryEvent] = []
        /// The step whose result ended the delivery with `skip`: the duplicate was recognised there.
        var skipDecision: Int?

        /// `w-13 c1 r2`: worker, copy, receive (and `s1` for a subscriber past the first).
        var lane: String {
            "\(Names.worker(worker)) \(delivery.subscriber == 0 ? "" : Names.subscriber(delivery.subscriber) + " ")c\(delivery.copy) r\(delivery.attempt)"
        }

        /// The marks as drawn, in time order; step invocations are implied by their results.
        var drawnMarks: [(HistoryEvent, Mark)] {
            marks.compactMap { event in Mark(event, decidedSkip: event.index == skipDecision).map { (event, $0) } }
        }

        static func rows(from events: [HistoryEvent]) -> [DeliveryRow] {
            var rows: [DeliveryRow] = []
            var rowOfDelivery: [Delivery: Int] = [:]
            for event in events.sorted(by: { $0.index < $1.index }) {
                let index: Int
                if let existing = rowOfDelivery[event.delivery] {
                    index = existing
                } else {
                    index = rows.count
                    rowOfDelivery[event.delivery] = index
                    rows.append(DeliveryRow(worker: event.worker, delivery: event.delivery, startNanos: event.timeNanos))
                }
                guard event.subject == HistoryEvent.Subject.delivery else {
                    rows[index].marks.append(event)
                    continue
                }
                switch event.kind {
                case .invoke: rows[index].startNanos = event.timeNanos
                case .ok:
                    rows[index].endNanos = event.timeNanos
                    let skipped = event.fact?.isSkip == true
                    rows[index].outcome = skipped ? .skipped : .done
                    if skipped {
                        rows[index].skipDecision = rows[index].marks.last { !HistoryEvent.Subject.all.contains($0.subject) }?.index
                    }
                case .fail, .info:
                    rows[index].endNanos = event.timeNanos
                    rows[index].outcome = .failed
                }
            }
            return rows
        }
    }

    /// How one event inside a delivery is drawn; step invocations are implied by their results.
    struct Mark {
        var shape: SVGCanvas.MarkerShape
        var color: String
        var words: String
        /// Drawing order: higher is drawn later, on top.
        var layer = 0

        /// The shape in the legend's characters, for the table.
        var symbol: String {
            switch shape {
            case .diamond: "◆"
            case .circle: "●"
            case .triangle: "▲"
            case .cross: "✕"
            case .ring: "○"
            case .square: "■"
            case .bar: "│"
            }
        }

        /// `decidedSkip`: this step's result sent the delivery to `skip`.
        init?(_ event: HistoryEvent, decidedSkip: Bool = false) {
            let detail = event.detail.map { ": \($0)" } ?? ""
            let rows = "rows returned \(event.rowsReturned ?? 0), affected \(event.rowsAffected ?? 0)"
            switch (event.subject, event.kind) {
            case (_, .invoke), (HistoryEvent.Subject.delivery, _):
                return nil
            case (HistoryEvent.Subject.fault, _):
                self.init(shape: .triangle, color: "#e08a00", words: "fault \(event.detail ?? "")", layer: 1)
            case (HistoryEvent.Subject.published, _):
                self.init(shape: .triangle, color: "#e08a00", words: "duplicate copy published\(detail)", layer: 1)
            case (HistoryEvent.Subject.crash, _):
                self.init(shape: .square, color: "#6d4c1f", words: "crashed\(detail)", layer: 2)
            case (HistoryEvent.Subject.timeout, _):
                self.init(shape: .square, color: "#6d4c1f", words: "timed out\(detail)", layer: 2)
            case (HistoryEvent.Subject.deadLetter, .ok):
                self.init(shape: .square, color: "#6d4c1f", words: "dead-lettered\(detail)", layer: 2)
            case (HistoryEvent.Subject.deadLetter, _):
                self.init(shape: .square, color: "#6d4c1f", words: "DLQ write refused\(detail)", layer: 2)
            case (HistoryEvent.Subject.commit, .ok):
                self.init(shape: .circle, color: "#3465a4", words: "committed", layer: 2)
            case (HistoryEvent.Subject.processed, _):
                self.init(shape: .circle, color: "#3465a4", words: "work landed (processed)", layer: 1)
            case (HistoryEvent.Subject.rollback, _):
                self.init(shape: .bar, color: "#8b1a1a", words: "rolled back\(detail)", layer: 2)
            case (_, .ok) where decidedSkip, (_, .fail) where decidedSkip:
                self.init(shape: .ring, color: "#7b4fa8",
                          words: "\(event.subject) \(event.kind == .ok ? "held" : "did not hold") (\(rows)): recognised a duplicate, skipped",
                          layer: 3)
            case (_, .ok) where event.role == .claim || event.role == .submit:
                let verb = event.role == .claim ? "claimed" : "submitted"
                self.init(shape: .diamond, color: "#2e8b57", words: "\(verb) (\(event.subject), \(rows))", layer: 3)
            case (_, .ok):
                self.init(shape: .circle, color: "#8a92a3", words: "\(event.subject) ok (\(rows))")
            case (_, .fail), (_, .info):
                let why = event.detail.map { ": \($0)" } ?? " (\(rows)): its condition did not hold"
                self.init(shape: .cross, color: "#c62828", words: "\(event.subject) failed\(why)", layer: 2)
            }
        }

        init(shape: SVGCanvas.MarkerShape, color: String, words: String, layer: Int = 0) {
            self.shape = shape
            self.color = color
            self.words = words
            self.layer = layer
        }
    }
}
