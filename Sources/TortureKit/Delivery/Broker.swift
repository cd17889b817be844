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
        /// Published entries not yet received, in arrival order, each visible from its arrival.
        var schedule: any IteratorProtocol<ArrivingDelivery>
        /// The next scheduled entry: its delivery, subscribers fanned out so far, and when it is
        /// visible on the run's clock (0: from the start).
        var nextScheduled: (delivery: Delivery, subscriber: Int, visibleAtNanos: UInt64)?
        /// The run's clock at the start: arrivals count from it.
        var originNanos: UInt64 = 0
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
        /// Every change after the start that may make work: a publication (duplicates,
        /// republications) or an actor's run that changed rows. A quiet actor run is one during
        /// which this did not move.
        var changes = 0
        /// Actor instances that hold the run open: while any has not had a quiet run at the
        /// current `changes`, an empty queue is not drained.
        var holders = 0
        var quietMarks: [Int: Int] = [:]
        /// The scenario's `until:` query, not quiet runs, says when the holders' work is over.
        var closesOnQuery = false
        /// Holders in the middle of a run: the queue never closes under one.
        var inTick: Set<Int> = []
        var closed = false
        /// Per message: how many copies actors have published again.
        var republished: [Int: Int] = [:]

        var isDrained: Bool {
            assert(open >= 0, "the broker never has fewer than no open entries")
            return open == 0 && (holders == 0 || closed)
        }

        mutating func enqueue(_ index: Int, visibleAtNanos: UInt64) {
            heap.push(VisibilityItem(visibleAtNanos: visibleAtNanos, sequence: sequence, entry: index, version: entries[index]!.version))
            sequence += 1
        }

        /// The next scheduled entry for `subscribers`, if any is left: its entry number and when it
        /// is visible (every subscriber's copy arrives with the message).
        mutating func peekScheduled() -> (index: Int, visibleAtNanos: UInt64)? {
            if nextScheduled == nil, let arriving = schedule.next() {
                // All at once is visible from 0, as before arrivals were spread: so its order against
                // re-enqueued entries does not depend on when the run's clock started.
                let visible = arriving.arrivalNanos == 0 ? 0 : originNanos &+ arriving.arrivalNanos
                nextScheduled = (arriving.delivery, 0, visible)
            }
            return nextScheduled.map { (nextScheduledEntry, $0.visibleAtNanos) }
        }

        mutating func takeScheduled(subscribers: Int) -> Int {
            let (delivery, subscriber, visible) = nextScheduled!
            let index = nextScheduledEntry
            entries[index] = Entry(message: delivery.message, copy: delivery.copy, subscriber: subscriber)
            nextScheduledEntry += 1
            nextScheduled = subscriber + 1 < subscribers ? (delivery, subscriber + 1, visible) : nil
            return index
        }
    }

    public let policy: DeliveryPolicy
    public let messages: Int
    private let state: BrokerLock<State>

    /// `schedule` lists (message, copy) in arrival order; each goes to every subscriber.
    public convenience init(schedule: [Delivery], messages: Int, policy: DeliveryPolicy) {
        self.init(schedule: DeliveriesAtOnce(deliveries: schedule.makeIterator()), count: schedule.count, messages: messages, policy: policy)
    }

    /// `startNanos`: the run's clock when it starts, from which the workload's arrivals count.
    public convenience init(schedule: DeliverySchedule, policy: DeliveryPolicy, startNanos: UInt64 = 0) {
        self.init(schedule: ArrivingDeliveries(schedule: schedule.makeIterator()), count: schedule.count,
                  messages: schedule.workload.messages, policy: policy, startNanos: startNanos)
    }

    private init(schedule: any IteratorProtocol<ArrivingDelivery>, count: Int, messages: Int, policy: DeliveryPolicy, startNanos: UInt64 = 0) {
        self.policy = policy
        self.messages = messages
        let scheduled = count * policy.subscribers
        var initial = State(schedule: schedule, nextInjectedEntry: scheduled, sequence: scheduled,
                            firstDeliveredNanos: Array(repeating: 0, count: messages * policy.subscribers))
        initial.originNanos = startNanos
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
                // A scheduled entry is an item (visible at its arrival, sequence = its number) that was never pushed.
                if let top = state.heap.first, scheduled.map({ (top.visibleAtNanos, top.sequence) < ($0.visibleAtNanos, $0.index) }) ?? true {
                    guard top.visibleAtNanos <= nowNanos else { return .wait(untilNanos: top.visibleAtNanos) }
                    state.heap.popFirst()
                    index = top.entry
                } else if let scheduled {
                    guard scheduled.visibleAtNanos <= nowNanos else { return .wait(untilNanos: scheduled.visibleAtNanos) }
                    index = state.takeScheduled(subscribers: subscribers)
                } else {
                    // Nothing queued: drained, unless an entry is being dead-lettered or an actor
                    // may still publish.
                    return state.isDrained ? .drained : .wait(untilNanos: nowNanos &+ Self.heldPollNanos)
                }
                guard var entry = state.entries[index] else { preconditionFailure("a visible entry is held by the broker") }
                let receivesBefore = entry.receives
                entry.receives += 1
                assert(entry.receives == receivesBefore + 1 && entry.receives <= maxReceives + 1, "an entry is received at most once past its limit")
                entry.version += 1
                if entry.receives > maxReceives {
                    // Gone from the queue's entries, but still open until `deadLetterSettled`:
                    // a DLQ table is written first.
                    state.entries[index] = nil
                    return .deadLettered(Delivery(message: entry.message, copy: entry.copy, attempt: entry.receives - 1, subscriber: entry.subscriber))
                }
                entry.state = .inFlight
                assert(state.nextToken > entry.token, "lease tokens increase")
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
        state.withLock { state in
            assert(state.open >= 1, "a dead-lettered entry is open until its DLQ write settles")
            state.open -= 1
        }
    }

    /// Before the run: how many actor instances hold it open. The queue is drained only once
    /// each has had a quiet run (`endHolderTick`) or, with `untilQuery`, once one of them ends a
    /// run having found the scenario's `until:` query empty.
    public func holdOpen(forActors count: Int, untilQuery: Bool = false) {
        precondition(count >= 0, "a count of actor instances")
        precondition(!untilQuery || count > 0, "an until query is asked by the actors that hold the run open")
        state.withLock { state in
            precondition(state.holders == 0 && state.quietMarks.isEmpty, "the actors that hold a run open are named once, before it")
            state.holders = count
            state.closesOnQuery = untilQuery
        }
    }

    /// Nothing queued, in flight or being dead-lettered (actors may still hold the run open).
    public var isEmpty: Bool { state.withLock { $0.open == 0 } }

    /// Nothing queued or in flight, nothing being dead-lettered, and no publisher holding on.
    public var isDrained: Bool { state.withLock { $0.isDrained } }

    /// An actor instance that holds the run open starts a run: nil when the queue has closed (the
    /// actor stops), else the change count if the queue is empty now (for `endHolderTick`).
    public func beginHolderTick(_ holder: Int) -> Int?? {
        state.withLock { state in
            precondition((0..<state.holders).contains(holder), "holder \(holder) was named before the run")
            guard !state.closed else { return nil }
            let inserted = state.inTick.insert(holder).inserted
            assert(inserted, "an instance runs one tick at a time")
            return .some(state.open == 0 ? state.changes : nil)
        }
    }

    /// The run is over; `changed`: it changed rows or published. One that began and ended with
    /// the queue empty, changed nothing itself, and saw no change anywhere since `mark` is quiet
    /// (`mark` nil: it was not). When every holder's last run was quiet at the current count and
    /// none is in a run, the queue is drained for good: no actor can hand the workers more.
    /// With an `until:` query that rule gives way to the scenario's: `workIsOver` — the holder
    /// found the query empty at the end of this run — closes the queue if it is still empty and
    /// no other holder is in a run.
    public func endHolderTick(_ holder: Int, mark: Int?, changed: Bool, workIsOver: Bool = false) {
        state.withLock { state in
            let removed = state.inTick.remove(holder)
            assert(removed != nil, "a run ends only after it began")
            assert(!state.closed, "the queue never closes while a holder is in a run")
            if changed { state.changes += 1 }
            if state.closesOnQuery {
                if workIsOver, state.open == 0, state.inTick.isEmpty { state.closed = true }
                return
            }
            if let mark, !changed, state.open == 0, mark == state.changes {
                state.quietMarks[holder] = mark
            } else {
                state.quietMarks[holder] = nil
            }
            let current = state.changes
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
            state.changes += 1
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
            assert(entry.receives >= 1 && lease.token < state.nextToken, "an acknowledged entry was received under this lease")
            assert(state.open >= 1, "an entry in flight is open")
            state.entries[lease.entry] = nil
            state.open -= 1
            assert(state.open >= 0, "the broker never has fewer than no open entries")
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
            assert(entry.receives >= 1, "a released entry was received")
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
            state.changes += 1
            return Delivery(message: delivery.message, copy: copy, attempt: 1, subscriber: delivery.subscriber)
        }
    }


    /// Leases handed out so far: tokens count from 1.
    public var handedOut: Int { state.withLock { $0.nextToken - 1 } }
    public var publishedEntries: Int { state.withLock { $0.nextInjectedEntry } }
    /// Entries the broker holds now: in flight, or waiting to be retried.
    public var heldEntries: Int { state.withLock { $0.entries.count } }
}
