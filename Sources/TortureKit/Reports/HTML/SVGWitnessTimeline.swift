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
        let left = 110.0, right = 20.0, top = 30.0, bottom = 30.0
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
            svg.text("\(Names.worker(row.worker)) \(row.delivery.copy)#\(row.delivery.attempt)", x: left - 10, y: middle + 4, anchor: "end")
            svg.line(x1: left, y1: middle, x2: left + plotWidth, y2: middle, stroke: "#f0f1f4")
            let end = row.endNanos ?? lastNanos
            svg.rect(x: x(row.startNanos), y: middle - 5, width: max(2, x(end) - x(row.startNanos)), height: 10,
                     fill: row.outcome.color, tip: "\(Names.worker(row.worker)) delivery \(row.delivery.label): \(row.outcome.words), "
                        + "\(runTime(row.startNanos)) → \(row.endNanos.map(runTime) ?? "never acknowledged")", opacity: 0.35)
            // Claims last, so they sit on top of the step that follows them at nearly the same time.
            for (event, mark) in row.marks.compactMap({ event in Mark(event).map { (event, $0) } }).sorted(by: { $0.1.layer < $1.1.layer }) {
                svg.marker(mark.shape, x: x(event.timeNanos), y: middle, fill: mark.color,
                           tip: "\(runTime(event.timeNanos)) \(Names.worker(event.worker)) \(mark.words)")
            }
        }
        let axisY = top + rowHeight * Double(rows.count) + 16
        svg.text("run time \(runTime(firstNanos))", x: left, y: axisY, anchor: "start")
        svg.text(runTime(lastNanos), x: left + plotWidth, y: axisY, anchor: "end")
        return svg.finish()
    }

    static let legend = """
        <p class="legend"><span><span class="swatch" style="background:#2e8b57"></span>claimed / submitted (ok)</span>\
        <span><span class="swatch" style="background:#3465a4"></span>committed</span>\
        <span><span class="swatch" style="background:#8a92a3"></span>other step ok</span>\
        <span><span class="swatch" style="background:#c62828"></span>step failed / rolled back</span>\
        <span><span class="swatch" style="background:#e08a00"></span>fault fired</span>\
        bars: delivery from hand-over to acknowledgement — green done, grey skipped, red failed, orange never acknowledged. \
        Hover a mark for its time and detail.</p>
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
                    rows[index].outcome = event.detail == "skip" ? .skipped : .done
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

        init?(_ event: HistoryEvent) {
            let detail = event.detail.map { ": \($0)" } ?? ""
            switch (event.subject, event.kind) {
            case (_, .invoke): return nil
            case (HistoryEvent.Subject.fault, _):
                self.init(shape: .triangle, color: "#e08a00", words: "fault \(event.detail ?? "")", layer: 1)
            case (HistoryEvent.Subject.commit, .ok):
                self.init(shape: .circle, color: "#3465a4", words: "committed", layer: 2)
            case (HistoryEvent.Subject.rollback, _):
                self.init(shape: .cross, color: "#c62828", words: "rolled back\(detail)", layer: 2)
            case (_, .ok) where event.role == .claim || event.role == .submit:
                let verb = event.role == .claim ? "claimed" : "submitted"
                self.init(shape: .diamond, color: "#2e8b57", words: "\(verb) (\(event.subject), rows affected \(event.rowsAffected ?? 0))", layer: 3)
            case (_, .ok):
                self.init(shape: .circle, color: "#8a92a3", words: "\(event.subject) ok (rows \(event.rowsReturned ?? 0), affected \(event.rowsAffected ?? 0))")
            case (_, .fail), (_, .info):
                self.init(shape: .cross, color: "#c62828", words: "\(event.subject) \(event.kind.rawValue)\(detail)", layer: 2)
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
