/// The whole history of a run: the processors' logs, read back merged by time (ties by log
/// order, so the merge is deterministic). A `Sequence` that streams: each pass is a k-way merge
/// over the logs, reading spilled parts from disk, and assigns each event its position as
/// `index`; nothing holds the merged history whole. Passing it around copies no events.
public struct History: Sendable, Sequence {
    let logs: [SealedLog]

    init(logs: [SealedLog]) {
        self.logs = logs
    }

    public static let empty = History(logs: [])

    /// Merges per-worker logs by time; ties keep log order, then order within a log. Each log is
    /// put in time order first (stably), as a processor's own log already is.
    public init(merging logs: [[HistoryEvent]]) {
        self.logs = logs.map { events in
            let log = HistoryLog(shareBytes: .max, spillDirectory: "")
            for event in events.enumerated().sorted(by: { ($0.element.timeNanos, $0.offset) < ($1.element.timeNanos, $1.offset) }) {
                log.append(event.element)
            }
            return log.sealed()
        }
    }

    /// How many events a pass yields.
    public var count: Int { logs.reduce(0) { $0 + $1.count } }

    /// The first and last event's times, known without a pass.
    public var firstTimeNanos: UInt64? { logs.filter { $0.count > 0 }.map(\.firstNanos).min() }
    public var lastTimeNanos: UInt64? { logs.filter { $0.count > 0 }.map(\.lastNanos).max() }

    /// Bytes of the history on disk (spilled past the memory budget) and in memory.
    public var spilledBytes: Int { logs.reduce(0) { $0 + $1.spilledBytes } }
    public var memoryBytes: Int { logs.reduce(0) { $0 + $1.tail.count } }

    public func makeIterator() -> Iterator {
        Iterator(logs)
    }

    /// A k-way merge: a heap of (time, log) over each log's next event; the events themselves
    /// stay put in `heads`, so the heap moves 16 bytes, not an event and its strings.
    public struct Iterator: IteratorProtocol {
        private var readers: [SealedLogReader]
        private var heads: [HistoryEvent?]
        private var heap = MinHeap<Head>()
        private var index = 0
        /// What the pass must yield, and the time of what it yielded last.
        private let total: Int
        private var lastNanos: UInt64 = 0

        private struct Head: HeapOrdered {
            var timeNanos: UInt64
            var log: Int

            func precedes(_ other: Head) -> Bool {
                (timeNanos, log) < (other.timeNanos, other.log)
            }
        }

        init(_ logs: [SealedLog]) {
            readers = logs.map(SealedLogReader.init)
            heads = Array(repeating: nil, count: logs.count)
            total = logs.reduce(0) { $0 + $1.count }
            for log in readers.indices { advance(log) }
        }

        private mutating func advance(_ log: Int) {
            heads[log] = readers[log].next()
            if let event = heads[log] { heap.push(Head(timeNanos: event.timeNanos, log: log)) }
        }

        public mutating func next() -> HistoryEvent? {
            guard let head = heap.popFirst() else {
                assert(index == total, "a pass yields every event of every log once")
                return nil
            }
            guard var event = heads[head.log] else { preconditionFailure("a log in the merge heap has an event waiting") }
            assert(event.timeNanos == head.timeNanos, "a log's head in the heap is its waiting event")
            assert(event.timeNanos >= lastNanos, "the merge yields events in time order")
            lastNanos = event.timeNanos
            advance(head.log)
            event.index = index
            index += 1
            assert(index <= total, "a pass yields no more events than its logs hold")
            return event
        }
    }

    /// Everything an event says, in order: two histories hash alike exactly when they match
    /// event by event (the index is implied by the order).
    public var contentHash: UInt64 {
        var hash = ContentHash()
        for event in self { event.hash(into: &hash) }
        return hash.value
    }

    /// The first position where two histories differ, or nil when they are the same.
    public func firstDivergence(from other: History) -> Int? {
        divergence(from: other)?.index
    }

    /// Where two histories first differ and what each has there (nil: it had ended).
    public func divergence(from other: History) -> (index: Int, mine: HistoryEvent?, theirs: HistoryEvent?)? {
        var mine = makeIterator(), theirs = other.makeIterator()
        var index = 0
        while true {
            let left = mine.next(), right = theirs.next()
            if left == nil, right == nil { return nil }
            if left != right { return (index, left, right) }
            index += 1
        }
    }
}

extension History {
    /// The events about deliveries, without the actors' runs: what a checker of deliveries reads.
    public var deliveryEvents: LazyFilterSequence<History> { lazy.filter(\.isAboutDelivery) }
}
