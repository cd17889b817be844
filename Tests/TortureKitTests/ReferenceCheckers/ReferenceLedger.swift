@testable import TortureKit

// The checkers as they were before histories streamed (one `HistoryEvent` value per event, a
// ledger of dictionaries of events), kept only here: the reference the streaming checkers must
// match verdict for verdict and witness for witness (`StreamingCheckerEquivalenceTests`).

/// The history read as a queue: per entry (message × copy × subscriber) its receives and how
/// each ended; per message (× subscriber) how often it was processed and dead-lettered.
struct ReferenceLedger: Sendable {
    typealias MessageKey = TortureKit.MessageKey
    typealias EntryKey = TortureKit.EntryKey

    struct Entry: Sendable {
        /// The invoke event of each receive, by attempt.
        var receives: [Int: HistoryEvent] = [:]
        var acknowledged = false
        var deadLetters: [HistoryEvent] = []
        /// Receives that ended without an ack: failed, crashed, timed out, ack refused.
        var unsuccessfulReceives = 0
    }

    private(set) var entries: [EntryKey: Entry] = [:]
    /// Deliveries whose work landed, per message (whether or not their ack did).
    private(set) var processed: [MessageKey: [HistoryEvent]] = [:]
    private(set) var deadLettered: [MessageKey: [HistoryEvent]] = [:]
    /// The acks of deliveries that said "already handled" (`skip`), per message: the protocol's
    /// word that someone processed it; `every-skip-backed` holds it to that.
    private(set) var skips: [MessageKey: [HistoryEvent]] = [:]
    /// Messages that had a receive end badly before one was processed.
    private(set) var recovered: Set<MessageKey> = []
    let published: Set<MessageKey>

    /// Neither processed, nor acknowledged as a duplicate, nor dead-lettered: Jepsen's *lost*.
    func isLost(_ key: MessageKey) -> Bool {
        processed[key] == nil && skips[key] == nil && deadLettered[key] == nil
    }

    /// Acknowledged as a duplicate, yet no delivery's work landed: a skip on nobody's behalf.
    func isSkippedWithoutProcessedCopy(_ key: MessageKey) -> Bool {
        skips[key] != nil && processed[key] == nil
    }

    init(_ events: [HistoryEvent], messages: Int, subscribers: Int) {
        var published = Set<MessageKey>()
        for message in 0..<messages {
            for subscriber in 0..<subscribers { published.insert(MessageKey(message: message, subscriber: subscriber)) }
        }
        self.published = published
        var troubled = Set<MessageKey>()
        // An actor's ticks are not queue entries.
        for event in events where event.isAboutDelivery {
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
