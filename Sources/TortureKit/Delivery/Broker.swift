import Synchronization

/// The in-process stand-in for SNS/SQS. Entries (message × copy × subscriber) become visible in
/// the schedule's order; a receive hides an entry for the visibility timeout (the lease); an ack
/// with the current lease deletes it; a nack makes it visible after the retry delay; a lease that
/// runs out makes it visible again; a receive past `maxReceiveCount` dead-letters it instead.
public final class Broker: Sendable {
    public enum Receive: Sendable, Equatable {
        case delivery(Lease)
        /// The entry used up its receives: it is in the DLQ now. `delivery.attempt` is its last receive.
        case deadLettered(Delivery)
        /// Nothing visible yet; the earliest entry becomes visible at this time.
        case wait(untilNanos: UInt64)
        /// Every entry is acknowledged or dead-lettered.
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

    private enum EntryState { case waiting, inFlight, acknowledged, deadLettered }

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
        var entries: [Entry] = []
        var heap = VisibilityHeap()
        var sequence = 0
        /// Injected copies jump the queue, as a republished message is visible at once to a
        /// service that is not FIFO.
        var urgentSequence = -1
        var open = 0
        var nextToken = 1
        var handedOut = 0
        /// Per message × subscriber; 0 = not yet delivered.
        var firstDeliveredNanos: [UInt64]

        mutating func enqueue(_ index: Int, visibleAtNanos: UInt64) {
            heap.push(VisibilityItem(visibleAtNanos: visibleAtNanos, sequence: sequence, entry: index, version: entries[index].version))
            sequence += 1
        }
    }

    public let policy: DeliveryPolicy
    public let messages: Int
    private let state: BrokerLock<State>

    /// `schedule` lists (message, copy) in arrival order; each goes to every subscriber.
    public init(schedule: [Delivery], messages: Int, policy: DeliveryPolicy) {
        self.policy = policy
        self.messages = messages
        var initial = State(firstDeliveredNanos: Array(repeating: 0, count: messages * policy.subscribers))
        for published in schedule {
            for subscriber in 0..<policy.subscribers {
                initial.entries.append(Entry(message: published.message, copy: published.copy, subscriber: subscriber))
                initial.enqueue(initial.entries.count - 1, visibleAtNanos: 0)
            }
        }
        initial.open = initial.entries.count
        state = BrokerLock(initial)
    }

    public func receive(nowNanos: UInt64) -> Receive {
        let visibilityNanos = UInt64(policy.visibilityTimeoutMillis) * 1_000_000
        let maxReceives = policy.maxReceiveCount
        let subscribers = policy.subscribers
        return state.withLock { state in
            while let top = state.heap.first {
                guard state.entries[top.entry].version == top.version else {
                    state.heap.popFirst()
                    continue
                }
                guard top.visibleAtNanos <= nowNanos else { return .wait(untilNanos: top.visibleAtNanos) }
                state.heap.popFirst()
                var entry = state.entries[top.entry]
                entry.receives += 1
                entry.version += 1
                defer { state.entries[top.entry] = entry }
                if entry.receives > maxReceives {
                    entry.state = .deadLettered
                    state.open -= 1
                    return .deadLettered(Delivery(message: entry.message, copy: entry.copy, attempt: entry.receives - 1, subscriber: entry.subscriber))
                }
                entry.state = .inFlight
                entry.token = state.nextToken
                state.nextToken += 1
                state.handedOut += 1
                let firstIndex = entry.message * subscribers + entry.subscriber
                if state.firstDeliveredNanos[firstIndex] == 0 { state.firstDeliveredNanos[firstIndex] = max(1, nowNanos) }
                let expires = nowNanos + visibilityNanos
                state.entries[top.entry] = entry
                state.enqueue(top.entry, visibleAtNanos: expires)
                let delivery = Delivery(message: entry.message, copy: entry.copy, attempt: entry.receives, subscriber: entry.subscriber)
                return .delivery(Lease(delivery: delivery, token: entry.token, expiresAtNanos: expires,
                                       firstDeliveredNanos: state.firstDeliveredNanos[firstIndex], entry: top.entry))
            }
            return .drained
        }
    }

    /// Deletes the entry if `lease` is still its current one. False when the lease ran out and
    /// the entry was received again, or it already left the queue: the ack of a zombie.
    public func acknowledge(_ lease: Lease) -> Bool {
        state.withLock { state in
            var entry = state.entries[lease.entry]
            guard entry.state == .inFlight, entry.token == lease.token else { return false }
            entry.state = .acknowledged
            entry.version += 1
            state.entries[lease.entry] = entry
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
            var entry = state.entries[lease.entry]
            guard entry.state == .inFlight, entry.token == lease.token else { return false }
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
            state.entries.append(Entry(message: delivery.message, copy: copy, subscriber: delivery.subscriber))
            let index = state.entries.count - 1
            state.heap.push(VisibilityItem(visibleAtNanos: 0, sequence: state.urgentSequence, entry: index, version: 0))
            state.urgentSequence -= 1
            state.open += 1
            return Delivery(message: delivery.message, copy: copy, attempt: 1, subscriber: delivery.subscriber)
        }
    }


    public var handedOut: Int { state.withLock { $0.handedOut } }
    public var publishedEntries: Int { state.withLock { $0.entries.count } }
}
