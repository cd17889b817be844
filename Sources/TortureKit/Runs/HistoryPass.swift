/// The one pass over a finished run's history: the queue tally, every streaming checker's
/// observer, the coverage counters, and what the report needs — the history's hash, each
/// worker's last event (for a liveness verdict), deliveries over time. Nothing here grows with
/// the history.
struct HistoryPass {
    var contentHash: UInt64
    var lastEventPerWorker: [Int: HistoryEvent]
    var throughput: ThroughputSeries

    /// `deliveries`: about how many deliveries ended (the processors' count), which sizes the
    /// throughput series' buckets before the pass.
    static func run(
        _ history: History, queue: QueueTally?, observers: [any HistoryObserver], coverage: CoverageObserver? = nil, deliveries: Int
    ) -> HistoryPass {
        var hash = ContentHash()
        var last: [Int: HistoryEvent] = [:]
        let originNanos = history.firstTimeNanos ?? 0
        var throughput = ThroughputSeries.deliveries(originNanos: originNanos, spanNanos: (history.lastTimeNanos ?? originNanos) &- originNanos,
                                                     count: deliveries)
        for event in history {
            event.hash(into: &hash)
            last[event.worker] = event
            throughput.addDelivery(event, originNanos: originNanos)
            // Coverage counts the actors' runs too.
            coverage?.observe(event)
            // Checkers of deliveries see deliveries' events only: an actor's run handles no
            // message, and its statements are checked by what they leave in the store.
            guard event.isAboutDelivery else { continue }
            queue?.observe(event)
            for observer in observers { observer.observe(event) }
        }
        return HistoryPass(contentHash: hash.value, lastEventPerWorker: last, throughput: throughput)
    }

    static let empty = HistoryPass(
        contentHash: ContentHash().value, lastEventPerWorker: [:], throughput: ThroughputSeries.deliveries(originNanos: 0, spanNanos: 0, count: 0))
}
