/// End-to-end latency through a run, window by window: p50 and p99 of the messages whose work
/// landed in each window, and how many faults fired in it, so a slow stretch can be laid beside
/// the faults that caused it. Read off the history; at most `windowLimit` windows, fewer when there
/// are too few messages to fill them.
public struct LatencyOverTime: Sendable, Equatable {
    public struct Window: Sendable, Equatable {
        public var startNanos: UInt64
        public var count: Int
        public var p50Micros: Double
        public var p99Micros: Double
        public var faultsFired: Int
    }

    public var windowWidthNanos: UInt64
    public var windows: [Window]

    public static let windowLimit = 60
    /// A window's p99 means something only over enough messages: about this many per window.
    public static let messagesPerWindow = 20

    /// End to end as the processors record it: from a message's first hand-over (per subscriber)
    /// to the moment its work landed (`processed`), placed at the latter. Two passes over the
    /// history (one counts what landed, to size the windows); it keeps each message's first
    /// hand-over and every landing's latency, so it is made for the HTML report only.
    public init(_ history: History) {
        guard let originNanos = history.firstTimeNanos, let lastNanos = history.lastTimeNanos else {
            windowWidthNanos = 1
            windows = []
            return
        }
        let processed = history.reduce(0) { $0 + ($1.subject == HistoryEvent.Subject.processed && $1.kind == .ok ? 1 : 0) }
        let windowCount = min(Self.windowLimit, max(1, processed / Self.messagesPerWindow))
        let width = max(1, (lastNanos - originNanos) / UInt64(windowCount) + 1)
        windowWidthNanos = width
        var firstHandOver: [MessageKey: UInt64] = [:]
        var latencies = Array(repeating: [UInt64](), count: windowCount)
        var faults = Array(repeating: 0, count: windowCount)
        for event in history {
            let window = Int((event.timeNanos - originNanos) / width)
            let key = MessageKey(message: event.message, subscriber: event.subscriber)
            switch (event.subject, event.kind) {
            case (HistoryEvent.Subject.delivery, .invoke):
                if firstHandOver[key] == nil { firstHandOver[key] = event.timeNanos }
            case (HistoryEvent.Subject.processed, .ok):
                if let first = firstHandOver[key] { latencies[window].append(event.timeNanos - first) }
            case (HistoryEvent.Subject.fault, _):
                faults[window] += 1
            default:
                break
            }
        }
        windows = (0..<windowCount).map { index in
            let sorted = latencies[index].sorted()
            return Window(startNanos: UInt64(index) * width, count: sorted.count,
                          p50Micros: Self.percentile(50, of: sorted), p99Micros: Self.percentile(99, of: sorted),
                          faultsFired: faults[index])
        }
    }

    /// Nearest rank, as HdrHistogram reports it: the smallest value with at least p % at or below.
    static func percentile(_ percentile: Double, of sorted: [UInt64]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
        return Double(sorted[max(0, min(sorted.count - 1, rank - 1))]) / 1_000
    }
}
