/// The history read as a queue: per entry (message × copy × subscriber) its receives and how
/// each ended; per message (× subscriber) how often it was processed and dead-lettered.
public struct QueueLedger: Sendable {
    public struct MessageKey: Hashable, Sendable, Comparable {
        public var message: Int
        public var subscriber: Int

        public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool {
            (lhs.message, lhs.subscriber) < (rhs.message, rhs.subscriber)
        }
    }

    public struct EntryKey: Hashable, Sendable, Comparable {
        public var message: Int
        public var copy: Int
        public var subscriber: Int

        public static func < (lhs: EntryKey, rhs: EntryKey) -> Bool {
            (lhs.message, lhs.subscriber, lhs.copy) < (rhs.message, rhs.subscriber, rhs.copy)
        }
    }

    public struct Entry: Sendable {
        /// The invoke event of each receive, by attempt.
        public var receives: [Int: HistoryEvent] = [:]
        public var acknowledged = false
        public var deadLetters: [HistoryEvent] = []
        /// Receives that ended without an ack: failed, crashed, timed out, ack refused.
        public var unsuccessfulReceives = 0
    }

    public private(set) var entries: [EntryKey: Entry] = [:]
    /// Deliveries whose work landed, per message (whether or not their ack did).
    public private(set) var processed: [MessageKey: [HistoryEvent]] = [:]
    public private(set) var deadLettered: [MessageKey: [HistoryEvent]] = [:]
    /// The acks of deliveries that said "already handled" (`skip`), per message: the protocol's
    /// word that someone processed it; `every-skip-backed` holds it to that.
    public private(set) var skips: [MessageKey: [HistoryEvent]] = [:]
    /// Messages that had a receive end badly before one was processed.
    public private(set) var recovered: Set<MessageKey> = []
    public let published: Set<MessageKey>

    /// Neither processed, nor acknowledged as a duplicate, nor dead-lettered: Jepsen's *lost*.
    public func isLost(_ key: MessageKey) -> Bool {
        processed[key] == nil && skips[key] == nil && deadLettered[key] == nil
    }

    /// Acknowledged as a duplicate, yet no delivery's work landed: a skip on nobody's behalf.
    public func isSkippedWithoutProcessedCopy(_ key: MessageKey) -> Bool {
        skips[key] != nil && processed[key] == nil
    }

    public init(_ history: History, messages: Int, subscribers: Int) {
        var published = Set<MessageKey>()
        for message in 0..<messages {
            for subscriber in 0..<subscribers { published.insert(MessageKey(message: message, subscriber: subscriber)) }
        }
        self.published = published
        var troubled = Set<MessageKey>()
        // An actor's ticks are not queue entries.
        for event in history.events where !event.delivery.isActorTick {
            let entryKey = EntryKey(message: event.message, copy: event.copy, subscriber: event.subscriber)
            let messageKey = MessageKey(message: event.message, subscriber: event.subscriber)
            switch (event.subject, event.kind) {
            case (HistoryEvent.Subject.delivery, .invoke):
                entries[entryKey, default: Entry()].receives[event.attempt] = event
            case (HistoryEvent.Subject.delivery, .ok):
                entries[entryKey, default: Entry()].acknowledged = true
                if event.detail == "skip" { skips[messageKey, default: []].append(event) }
            case (HistoryEvent.Subject.processed, .ok):
                processed[messageKey, default: []].append(event)
                if troubled.contains(messageKey) { recovered.insert(messageKey) }
            case (HistoryEvent.Subject.delivery, .fail), (HistoryEvent.Subject.delivery, .info), (HistoryEvent.Subject.crash, _):
                entries[entryKey, default: Entry()].unsuccessfulReceives += 1
                troubled.insert(messageKey)
            case (HistoryEvent.Subject.deadLetter, .ok):
                entries[entryKey, default: Entry()].deadLetters.append(event)
                deadLettered[messageKey, default: []].append(event)
            default:
                break
            }
        }
    }
}
