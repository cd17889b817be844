import Synchronization

/// The in-process stand-in for SNS/SQS. Entries (message × copy × subscriber) become visible in
/// the schedule's order; a receive hides an entry for the visibility timeout (the lease); an ack
/// with the current lease deletes it; a nack makes it visible after the retry delay; a lease that
/// runs out makes it visible again; a receive past `maxReceiveCount` dead-letters it instead.
///
/// Entries never received wait in the schedule, read as they come due; an entry exists in the
/// broker only from its first receive until it is acknowledged or dead-lettered. So the broker
/// holds what is in flight or waiting to be retried, not the workload.
public final class Broker: Sendable {
    public enum Receive: Sendable, Equatable {
        case delivery(Lease)
        /// The entry used up its receives: it is in the DLQ now. `delivery.attempt` is its last receive.
        case deadLettered(Delivery)
        /// Nothing visible yet; the earliest entry becomes visible at this time.
        case wait(untilNanos: UInt64)
        /// Every entry is acknowledged or dead-lettered, and no actor will publish more.
        case drained
    }

    /// A receive's claim on an entry: only the current lease can acknowledge it.
    public struct Lease: Sendable, Equatable {
        public var delivery: Delivery
        /// Unique and increasing over the run: the receipt handle, usable as a fencing token.
        public var token: Int
        public var expiresAtNanos: UInt64
        /// When any copy of this message first reached a processor: set once, so it is final by
        /// the time a lease exists, and end-to-end latency needs no second trip to the lock.
        public var firstDeliveredNanos: UInt64
        fileprivate var entry: Int
    }

    private enum EntryState { case waiting, inFlight }

    private struct Entry {
        var message: Int
        var copy: Int
        var subscriber: Int
        var receives = 0
        var state = EntryState.waiting
        var token = 0
        var version = 0
    }

    private struct State {
        /// Entries received at least once (or injected) and not yet gone, by entry number: the
        /// schedule's entries are numbered in arrival order, injected copies after them.
        var entries: [Int: Entry] = [:]
        /// Published entries not yet received, in arrival order; all visible from the start.
        var schedule: any IteratorProtocol<Delivery>
        /// The next scheduled entry: its delivery, and subscribers fanned out so far.
        var nextScheduled: (delivery: Delivery, subscriber: Int)?
        var nextScheduledEntry = 0
        var nextInjectedEntry: Int
        var heap = VisibilityHeap()
        /// Re-enqueued entries come after every scheduled one, as if all were queued at the start.
        var sequence: Int
        /// Injected copies jump the queue, as a republished message is visible at once to a
        /// service that is not FIFO.
        var urgentSequence = -1
        var open = 0
        var nextToken = 1
        /// Per message × subscriber; 0 = not yet delivered.
        var firstDeliveredNanos: [UInt64]
        /// Every publication after the start (duplicates, republications): a quiet actor tick is
        /// one during which this did not move.
        var publications = 0
        /// Actor instances that may publish: while any has not had a quiet tick at the current
        /// `publications`, an empty queue is not drained.
        var holders = 0
        var quietMarks: [Int: Int] = [:]
        /// Publishers in the middle of a tick: the queue never closes under one.
        var inTick: Set<Int> = []
        var closed = false
        /// Per message: how many copies actors have published again.
        var republished: [Int: Int] = [:]

        var isDrained: Bool { open == 0 && (holders == 0 || closed) }

        mutating func enqueue(_ index: Int, visibleAtNanos: UInt64) {
            heap.push(VisibilityItem(visibleAtNanos: visibleAtNanos, sequence: sequence, entry: index, version: entries[index]!.version))
            sequence += 1
        }

        /// The next scheduled entry for `subscribers`, if any is left: (entry number, its entry).
        mutating func peekScheduled() -> Int? {
            if nextScheduled == nil, let delivery = schedule.next() { nextScheduled = (delivery, 0) }
            return nextScheduled == nil ? nil : nextScheduledEntry
        }

        mutating func takeScheduled(subscribers: Int) -> Int {
            let (delivery, subscriber) = nextScheduled!
            let index = nextScheduledEntry
            entries[index] = Entry(message: delivery.message, copy: delivery.copy, subscriber: subscriber)
            nextScheduledEntry += 1
            nextScheduled = subscriber + 1 < subscribers ? (delivery, subscriber + 1) : nil
            return index
        }
    }

    public let policy: DeliveryPolicy
    public let messages: Int
    private let state: BrokerLock<State>

    /// `schedule` lists (message, copy) in arrival order; each goes to every subscriber.
    public convenience init(schedule: [Delivery], messages: Int, policy: DeliveryPolicy) {
        self.init(schedule: schedule.makeIterator(), count: schedule.count, messages: messages, policy: policy)
    }

    public convenience init(schedule: DeliverySchedule, policy: DeliveryPolicy) {
        self.init(schedule: schedule.makeIterator(), count: schedule.count, messages: schedule.workload.messages, policy: policy)
    }

    private init(schedule: any IteratorProtocol<Delivery>, count: Int, messages: Int, policy: DeliveryPolicy) {
        self.policy = policy
        self.messages = messages
        let scheduled = count * policy.subscribers
        var initial = State(schedule: schedule, nextInjectedEntry: scheduled, sequence: scheduled,
                            firstDeliveredNanos: Array(repeating: 0, count: messages * policy.subscribers))
        initial.open = scheduled
        state = BrokerLock(initial)
    }

    public func receive(nowNanos: UInt64) -> Receive {
        let visibilityNanos = UInt64(policy.visibilityTimeoutMillis) * 1_000_000
        let maxReceives = policy.maxReceiveCount
        let subscribers = policy.subscribers
        return state.withLock { state in
            while true {
                if let top = state.heap.first, state.entries[top.entry]?.version != top.version {
                    state.heap.popFirst()
                    continue
                }
                let scheduled = state.peekScheduled()
                let index: Int
                // A scheduled entry is an item (visible at 0, sequence = its number) that was never pushed.
                if let top = state.heap.first, scheduled.map({ (top.visibleAtNanos, top.sequence) < (0, $0) }) ?? true {
                    guard top.visibleAtNanos <= nowNanos else { return .wait(untilNanos: top.visibleAtNanos) }
                    state.heap.popFirst()
                    index = top.entry
                } else if scheduled != nil {
                    index = state.takeScheduled(subscribers: subscribers)
                } else {
                    // Nothing queued: drained, unless an entry is being dead-lettered or an actor
                    // may still publish.
                    return state.isDrained ? .drained : .wait(untilNanos: nowNanos &+ Self.heldPollNanos)
                }
                var entry = state.entries[index]!
                entry.receives += 1
                entry.version += 1
                if entry.receives > maxReceives {
                    // Gone from the queue's entries, but still open until `deadLetterSettled`:
                    // a DLQ table is written first.
                    state.entries[index] = nil
                    return .deadLettered(Delivery(message: entry.message, copy: entry.copy, attempt: entry.receives - 1, subscriber: entry.subscriber))
                }
                entry.state = .inFlight
                entry.token = state.nextToken
                state.nextToken += 1
                let firstIndex = entry.message * subscribers + entry.subscriber
                if state.firstDeliveredNanos[firstIndex] == 0 { state.firstDeliveredNanos[firstIndex] = max(1, nowNanos) }
                let expires = nowNanos + visibilityNanos
                state.entries[index] = entry
                state.enqueue(index, visibleAtNanos: expires)
                let delivery = Delivery(message: entry.message, copy: entry.copy, attempt: entry.receives, subscriber: entry.subscriber)
                return .delivery(Lease(delivery: delivery, token: entry.token, expiresAtNanos: expires,
                                       firstDeliveredNanos: state.firstDeliveredNanos[firstIndex], entry: index))
            }
        }
    }

    /// How soon a processor looks again at an empty queue that an entry being dead-lettered or an
    /// actor still holds open.
    static let heldPollNanos: UInt64 = 1_000_000

    /// A dead-lettered entry's DLQ write (if any) is done: it leaves the queue.
    public func deadLetterSettled() {
        state.withLock { $0.open -= 1 }
    }

    /// Before the run: how many actor instances may publish. The queue is drained only once
    /// each has had a quiet tick (`reportQuiet`).
    public func holdOpen(forPublishers count: Int) {
        state.withLock { $0.holders = count }
    }

    /// Nothing queued or in flight, nothing being dead-lettered, and no publisher holding on.
    public var isDrained: Bool { state.withLock { $0.isDrained } }

    /// A publishing actor instance starts a tick: nil when the queue has closed (the actor stops),
    /// else the publication count if the queue is empty now (for `endPublisherTick`).
    public func beginPublisherTick(_ publisher: Int) -> Int?? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.inTick.insert(publisher)
            return .some(state.open == 0 ? state.publications : nil)
        }
    }

    /// The tick is over. One that began and ended with the queue empty and published nothing
    /// since `mark` is quiet (`mark` nil: it was not); when every publisher's last tick was quiet
    /// at the current count and none is in a tick, the queue is drained for good.
    public func endPublisherTick(_ publisher: Int, mark: Int?) {
        state.withLock { state in
            state.inTick.remove(publisher)
            if let mark, state.open == 0, mark == state.publications {
                state.quietMarks[publisher] = mark
            } else {
                state.quietMarks[publisher] = nil
            }
            let current = state.publications
            if state.open == 0, state.inTick.isEmpty, state.quietMarks.count == state.holders,
               state.quietMarks.values.allSatisfy({ $0 == current }) {
                state.closed = true
            }
        }
    }

    /// An actor publishes `message` again (seed 000's stale-message republisher, a DLQ cron): a new
    /// copy per subscriber, visible at once. Returns each copy's first delivery-to-be.
    public func republish(message: Int) -> [Delivery] {
        precondition((0..<messages).contains(message), "republishing a message that was never published")
        let subscribers = policy.subscribers
        return state.withLock { state in
            state.republished[message, default: 0] += 1
            let copy = CopyOrigin.republished(state.republished[message]!).code
            state.publications += 1
            var copies: [Delivery] = []
            for subscriber in 0..<subscribers {
                let index = state.nextInjectedEntry
                state.nextInjectedEntry += 1
                state.entries[index] = Entry(message: message, copy: copy, subscriber: subscriber)
                // SNS pushes a publication at once, ahead of what a queue already holds.
                state.heap.push(VisibilityItem(visibleAtNanos: 0, sequence: state.urgentSequence, entry: index, version: 0))
                state.urgentSequence -= 1
                state.open += 1
                copies.append(Delivery(message: message, copy: copy, attempt: 1, subscriber: subscriber))
            }
            return copies
        }
    }

    /// Deletes the entry if `lease` is still its current one. False when the lease ran out and
    /// the entry was received again, or it already left the queue: the ack of a zombie.
    public func acknowledge(_ lease: Lease) -> Bool {
        state.withLock { state in
            guard let entry = state.entries[lease.entry], entry.state == .inFlight, entry.token == lease.token else { return false }
            state.entries[lease.entry] = nil
            state.open -= 1
            return true
        }
    }

    /// A failed delivery: the entry becomes visible again after the retry delay. False for a
    /// lease that is no longer current.
    @discardableResult
    public func release(_ lease: Lease, nowNanos: UInt64) -> Bool {
        let delayNanos = UInt64(policy.retryDelayMillis) * 1_000_000
        return state.withLock { state in
            guard var entry = state.entries[lease.entry], entry.state == .inFlight, entry.token == lease.token else { return false }
            entry.state = .waiting
            entry.version += 1
            state.entries[lease.entry] = entry
            state.enqueue(lease.entry, visibleAtNanos: nowNanos + delayNanos)
            return true
        }
    }

    /// Publishes one more copy of a delivery's message (a `duplicate` fault), visible at once.
    /// Returns the copy's first delivery-to-be, or nil for a copy that was itself injected.
    public func publishDuplicate(of delivery: Delivery, at point: InjectionPoint) -> Delivery? {
        guard !delivery.isInjectedCopy else { return nil }
        let copy = Delivery.injectedCopy(of: delivery, at: point)
        return state.withLock { state in
            let index = state.nextInjectedEntry
            state.nextInjectedEntry += 1
            state.entries[index] = Entry(message: delivery.message, copy: copy, subscriber: delivery.subscriber)
            state.heap.push(VisibilityItem(visibleAtNanos: 0, sequence: state.urgentSequence, entry: index, version: 0))
            state.urgentSequence -= 1
            state.open += 1
            state.publications += 1
            return Delivery(message: delivery.message, copy: copy, attempt: 1, subscriber: delivery.subscriber)
        }
    }


    /// Leases handed out so far: tokens count from 1.
    public var handedOut: Int { state.withLock { $0.nextToken - 1 } }
    public var publishedEntries: Int { state.withLock { $0.nextInjectedEntry } }
    /// Entries the broker holds now: in flight, or waiting to be retried.
    public var heldEntries: Int { state.withLock { $0.entries.count } }
}
