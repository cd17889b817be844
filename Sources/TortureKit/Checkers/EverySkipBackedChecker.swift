/// A duplicate must be a duplicate of something: a message (per subscriber) that any delivery
/// acknowledged as already handled (`skip`) was processed by some delivery — a committed
/// `processed` event, before or after the skip. `no-loss` counts a skip as handled; this checker
/// asks whether the copy the skip deferred to ever did the work (a lost try-lock whose holder
/// crashed and was dead-lettered never does). Reads the queue tally; walks the history only when
/// a skip is unbacked, for those messages' stories.
public struct EverySkipBackedChecker: Checker {
    public let invariant = InvariantSpec.everySkipBacked.name

    /// Other deliveries named per witness: a message redelivered many times needs a few, not all.
    static let deliveriesShown = 6

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let unbacked = Set(input.queue.skippedWithoutProcessedCopy).sorted()
        guard !unbacked.isEmpty else { return Verdict(invariant: invariant, witnesses: []) }
        // A pass of its own, only on a violation, keeping only the events of the messages a
        // report shows.
        let shown = Set(unbacked.prefix(Verdict.witnessLimit))
        var stories: [MessageKey: MessageStory] = [:]
        for event in input.history.deliveryEvents {
            let key = MessageKey(message: event.message, subscriber: event.subscriber)
            guard shown.contains(key) else { continue }
            stories[key, default: MessageStory()].add(event)
        }
        var witnesses = WitnessList()
        for key in unbacked {
            witnesses.append(stories[key, default: MessageStory()].witness(describing: input.describe(key), message: key.message))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }
}

extension EverySkipBackedChecker {
    /// What became of one delivery, read from its events.
    struct DeliveryStory {
        var delivery: Delivery
        var worker: Int
        /// The last step that ran to an answer: the one whose result picked `skip`.
        var lastStep: String?
        var lastFaultPoint: String?
        var ending: Ending = .unfinished
        /// The event that ended it (skip ack, crash, timeout, failure), for the witness's event list.
        var endingEvent: Int?

        enum Ending: Equatable {
            case unfinished
            case skipped
            case crashed(at: String?)
            case timedOut
            case failed(String)
            /// Acknowledged without processing or skipping (a swallowed error), or an ack refused.
            case other(String)
        }

        var words: String {
            switch ending {
            case .unfinished: "never finished"
            case .skipped: "skipped"
            case .crashed(let point): point.map { "crashed at \($0)" } ?? "crashed"
            case .timedOut: "timed out"
            case .failed(let reason): "failed (\(reason))"
            case .other(let detail): detail
            }
        }
    }

    /// The events of one message whose skips nothing backed, told as deliveries and dead-letters.
    struct MessageStory {
        private var deliveries: [DeliveryStory] = []
        private var positions: [Delivery: Int] = [:]
        private var deadLetters: [HistoryEvent] = []

        mutating func add(_ event: HistoryEvent) {
            if event.subject == HistoryEvent.Subject.deadLetter {
                if event.kind == .ok { deadLetters.append(event) }
                return
            }
            if event.subject == HistoryEvent.Subject.delivery, event.kind == .invoke {
                positions[event.delivery] = deliveries.count
                deliveries.append(DeliveryStory(delivery: event.delivery, worker: event.worker))
                return
            }
            guard let position = positions[event.delivery] else { return }
            var story = deliveries[position]
            switch (event.subject, event.kind) {
            case (_, .invoke):
                break
            case (_, _) where event.role != nil:
                story.lastStep = event.subject
            case (HistoryEvent.Subject.fault, _):
                if case .fault(_, let point) = event.fact { story.lastFaultPoint = point.rawValue }
            case (HistoryEvent.Subject.crash, _):
                story.ending = .crashed(at: story.lastFaultPoint)
                story.endingEvent = event.index
            case (HistoryEvent.Subject.timeout, _):
                story.ending = .timedOut
                story.endingEvent = event.index
            case (HistoryEvent.Subject.delivery, .ok) where event.fact?.isSkip == true:
                story.ending = .skipped
                story.endingEvent = event.index
            case (HistoryEvent.Subject.delivery, .fail):
                // A timeout also nacks; keep the cause.
                if story.ending == .unfinished { story.ending = .failed(event.detail ?? "failed") }
                story.endingEvent = story.endingEvent ?? event.index
            case (HistoryEvent.Subject.delivery, _):
                story.ending = .other(event.detail ?? event.kind.rawValue)
                story.endingEvent = event.index
            default:
                break
            }
            deliveries[position] = story
        }

        func witness(describing name: String, message: Int) -> Witness {
            let skippers = deliveries.filter { $0.ending == .skipped }
            let others = deliveries.filter { $0.ending != .skipped }
            let skipWords = skippers.map { "\(Names.worker($0.worker)) (\($0.delivery.label)\($0.lastStep.map { ", step `\($0)`" } ?? ""))" }
            var fates = others.prefix(EverySkipBackedChecker.deliveriesShown).map { "\($0.delivery.label) (\(Names.worker($0.worker))) \($0.words)" }
            if others.count > EverySkipBackedChecker.deliveriesShown {
                fates.append("… \(others.count - EverySkipBackedChecker.deliveriesShown) more")
            }
            fates += deadLetters.map { "copy \($0.copy) dead-lettered after \($0.attempt) receive\($0.attempt == 1 ? "" : "s")" }
            let rest = fates.isEmpty ? "no other delivery of it was received" : "the other deliveries: " + fates.joined(separator: ", ")
            let text = "message \(name) acknowledged as a duplicate by \(WorkerList.words(skipWords)) but never processed; \(rest)"
            var workers: [String] = []
            for story in skippers + others where !workers.contains(Names.worker(story.worker)) { workers.append(Names.worker(story.worker)) }
            let events = (skippers + others).compactMap(\.endingEvent) + deadLetters.map(\.index)
            return Witness(message: Names.message(message), workers: workers, events: events.sorted(), text: text)
        }
    }
}
