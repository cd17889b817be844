/// The history read as a queue, in one pass: per message (× subscriber) how often it was
/// received, processed, skipped and dead-lettered; per entry (message × copy × subscriber) its
/// receives, whether it was acknowledged, and its dead letters.
///
/// Why the state is per message and not only what is in flight: a message can be touched at any
/// time until the run ends — a zombie's late write, a late duplicate copy, a dead letter of an
/// old copy — and no-loss and every-failure-in-dlq are about exactly those. So it keeps a few
/// bytes per message and per entry in flat arrays indexed by message (24 + 4 × copies bytes: a
/// million messages of four copies is about 40 MB), not events; only what a witness must name
/// (processed events past the first, dead letters) and what was never published go into
/// dictionaries, and those grow with findings, not with the run.
public final class QueueTally: HistoryObserver {
    public let messages: Int
    public let subscribers: Int
    /// Copies 1…this of a published message have flat slots; injected copies and any others are
    /// kept in `otherEntries`.
    let denseCopies: Int

    /// Flat arrays stop here (entries), whatever the workload: past it entries go to a dictionary.
    static let denseEntryLimit = 1 << 26

    struct MessageState {
        var processed: UInt32 = 0
        var receives: UInt32 = 0
        var flags: UInt8 = 0
        var firstProcessedWorker = 0
        var firstProcessedIndex = 0

        static let skipped: UInt8 = 1, troubled: UInt8 = 2, recovered: UInt8 = 4, deadLettered: UInt8 = 8

        func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
    }

    /// An entry in 32 bits: the top bit says acknowledged, the rest count receives.
    private static let acknowledgedBit: UInt32 = 1 << 31

    private var published: [MessageState]
    private var unpublished: [MessageKey: MessageState] = [:]
    private var moreProcessed: [MessageKey: [EventReference]] = [:]
    private var denseEntries: [UInt32]
    private var otherEntries: [EntryKey: UInt32] = [:]
    private var deadLetters: [EntryKey: [EventReference]] = [:]

    public init(messages: Int, subscribers: Int, deliveriesPerMessage: Int = 1) {
        precondition(messages >= 0 && subscribers >= 1 && deliveriesPerMessage >= 1, "a workload has messages, subscribers and copies")
        self.messages = messages
        self.subscribers = subscribers
        self.denseCopies = min(deliveriesPerMessage, Self.denseEntryLimit / max(1, messages * subscribers))
        published = Array(repeating: MessageState(), count: messages * subscribers)
        denseEntries = Array(repeating: 0, count: messages * subscribers * denseCopies)
    }

    /// The tally of a whole history, in a pass of its own.
    public convenience init(_ history: History, messages: Int, subscribers: Int, deliveriesPerMessage: Int = 1) {
        self.init(messages: messages, subscribers: subscribers, deliveriesPerMessage: deliveriesPerMessage)
        for event in history.deliveryEvents { observe(event) }
    }

    public func isPublished(_ key: MessageKey) -> Bool {
        (0..<messages).contains(key.message) && (0..<subscribers).contains(key.subscriber)
    }

    /// Every published key, in (message, subscriber) order.
    public var publishedKeys: [MessageKey] {
        (0..<messages).flatMap { message in (0..<subscribers).map { MessageKey(message: message, subscriber: $0) } }
    }

    /// Keys the history named that were never published, in order.
    public var unpublishedKeys: [MessageKey] { unpublished.keys.sorted() }

    public func observe(_ event: HistoryEvent) {
        precondition(event.isAboutDelivery, "the queue tally is fed deliveries' events only")
        switch (event.subject, event.kind) {
        case (HistoryEvent.Subject.delivery, .invoke):
            updateEntry(event.entryKey) { bits in
                assert(bits & ~Self.acknowledgedBit < ~Self.acknowledgedBit, "an entry's receives fit beside its acknowledged bit")
                bits += 1
            }
            updateMessage(event.messageKey) { $0.receives += 1 }
            assert(entryReceives(event.entryKey) <= state(event.messageKey).receives,
                   "a message's receives count every receive of each of its entries")
        case (HistoryEvent.Subject.delivery, .ok):
            // The processor acknowledges the entry it received, after recording the receive in
            // the same log: the merge keeps a log's order.
            assert(entryReceives(event.entryKey) > 0, "an entry is acknowledged only after a receive of it")
            updateEntry(event.entryKey) { bits in
                assert(bits & Self.acknowledgedBit == 0, "an entry is acknowledged once: the broker deletes it on the ack it takes")
                bits |= Self.acknowledgedBit
            }
            if event.fact?.isSkip == true { updateMessage(event.messageKey) { $0.flags |= MessageState.skipped } }
        case (HistoryEvent.Subject.processed, .ok):
            let key = event.messageKey
            var extra = false
            updateMessage(key) { state in
                if state.processed == 0 {
                    state.firstProcessedWorker = event.worker
                    state.firstProcessedIndex = event.index
                } else {
                    assert(state.firstProcessedIndex <= event.index, "a message's first processed event comes first in the history")
                    extra = true
                }
                state.processed += 1
                if state.has(MessageState.troubled) { state.flags |= MessageState.recovered }
            }
            if extra { moreProcessed[key, default: []].append(EventReference(event)) }
        case (HistoryEvent.Subject.delivery, .fail), (HistoryEvent.Subject.delivery, .info), (HistoryEvent.Subject.crash, _):
            updateMessage(event.messageKey) { $0.flags |= MessageState.troubled }
        case (HistoryEvent.Subject.deadLetter, .ok):
            deadLetters[event.entryKey, default: []].append(EventReference(event))
            updateMessage(event.messageKey) { $0.flags |= MessageState.deadLettered }
        default:
            break
        }
    }

    private func updateMessage(_ key: MessageKey, _ change: (inout MessageState) -> Void) {
        if isPublished(key) {
            change(&published[key.message * subscribers + key.subscriber])
        } else {
            change(&unpublished[key, default: MessageState()])
        }
    }

    private func denseSlot(_ key: EntryKey) -> Int? {
        guard isPublished(key.messageKey), (1...denseCopies).contains(key.copy) else { return nil }
        return (key.message * subscribers + key.subscriber) * denseCopies + key.copy - 1
    }

    private func updateEntry(_ key: EntryKey, _ change: (inout UInt32) -> Void) {
        if let slot = denseSlot(key) {
            change(&denseEntries[slot])
        } else {
            change(&otherEntries[key, default: 0])
        }
    }

    private func state(_ key: MessageKey) -> MessageState {
        isPublished(key) ? published[key.message * subscribers + key.subscriber] : unpublished[key] ?? MessageState()
    }

    /// Receives of one entry.
    private func entryReceives(_ key: EntryKey) -> UInt32 {
        (denseSlot(key).map { denseEntries[$0] } ?? otherEntries[key] ?? 0) & ~Self.acknowledgedBit
    }

    // MARK: What checkers ask

    /// Neither processed, nor acknowledged as a duplicate, nor dead-lettered: Jepsen's *lost*.
    public func isLost(_ key: MessageKey) -> Bool { Self.isLost(state(key)) }

    private static func isLost(_ state: MessageState) -> Bool {
        state.processed == 0 && !state.has(MessageState.skipped) && !state.has(MessageState.deadLettered)
    }

    /// The `processed` events of a message, in history order.
    public func processed(_ key: MessageKey) -> [EventReference] {
        let state = state(key)
        guard state.processed > 0 else { return [] }
        return [EventReference(index: state.firstProcessedIndex, worker: state.firstProcessedWorker)] + (moreProcessed[key] ?? [])
    }

    public func processedCount(_ key: MessageKey) -> Int { Int(state(key).processed) }

    /// Acknowledged as a duplicate, yet no delivery's work landed: a skip on nobody's behalf.
    public func isSkippedWithoutProcessedCopy(_ key: MessageKey) -> Bool {
        Self.isSkippedWithoutProcessedCopy(state(key))
    }

    /// Every such key, published or not, in order.
    public var skippedWithoutProcessedCopy: [MessageKey] {
        var keys: [MessageKey] = []
        for (slot, state) in published.enumerated() where Self.isSkippedWithoutProcessedCopy(state) {
            keys.append(MessageKey(message: slot / subscribers, subscriber: slot % subscribers))
        }
        keys += unpublished.filter { Self.isSkippedWithoutProcessedCopy($0.value) }.keys
        return keys.sorted()
    }

    static func isSkippedWithoutProcessedCopy(_ state: MessageState) -> Bool {
        state.has(MessageState.skipped) && state.processed == 0
    }
    /// A delivery acknowledged it as already handled (`skip`).
    public func isSkipped(_ key: MessageKey) -> Bool { state(key).has(MessageState.skipped) }
    public func isDeadLettered(_ key: MessageKey) -> Bool { state(key).has(MessageState.deadLettered) }
    /// Receives of all the message's copies.
    public func receives(_ key: MessageKey) -> Int { Int(state(key).receives) }

    /// One entry: its receives, whether an ack with a current lease deleted it, its dead letters.
    public struct EntryTally: Sendable, Equatable {
        public var receives: Int
        public var acknowledged: Bool
        public var deadLetters: [EventReference]
    }

    /// Entries with at least `receives` receives or any dead letter, in (message, subscriber,
    /// copy) order: every entry every-failure-in-dlq could name.
    public func entries(receivedAtLeast receives: Int) -> [(key: EntryKey, entry: EntryTally)] {
        var keys = Set(deadLetters.keys)
        for slot in denseEntries.indices where Int(denseEntries[slot] & ~Self.acknowledgedBit) >= receives {
            let copy = slot % denseCopies + 1, messageSlot = slot / denseCopies
            keys.insert(EntryKey(message: messageSlot / subscribers, copy: copy, subscriber: messageSlot % subscribers))
        }
        for (key, bits) in otherEntries where Int(bits & ~Self.acknowledgedBit) >= receives { keys.insert(key) }
        return keys.sorted().map { key in
            let bits = denseSlot(key).map { denseEntries[$0] } ?? otherEntries[key] ?? 0
            return (key, EntryTally(receives: Int(bits & ~Self.acknowledgedBit), acknowledged: bits & Self.acknowledgedBit != 0,
                                    deadLetters: deadLetters[key] ?? []))
        }
    }

    // MARK: Counts

    /// Jepsen's queue counts.
    public var counts: QueueCounts {
        var counts = QueueCounts(published: published.count)
        for state in published {
            if state.processed > 0 { counts.processed += 1 }
            if Self.isLost(state) { counts.lost += 1 }
            counts.add(state)
        }
        for state in unpublished.values {
            if state.processed > 0 { counts.unexpected += 1 }
            counts.add(state)
        }
        assert(counts.processed + counts.lost <= counts.published, "a published message is processed or lost, never both")
        assert(counts.duplicated <= counts.processed + counts.unexpected, "a message processed twice was processed")
        assert(counts.recovered <= counts.processed + counts.unexpected, "a recovered message was processed")
        return counts
    }
}

extension EventReference {
    init(index: Int, worker: Int) {
        self.index = index
        self.worker = worker
    }
}
