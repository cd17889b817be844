/// Which delivery each worker is in the middle of. A processor handles one delivery at a time and
/// records only that delivery's steps, rollbacks and faults, so everything the history will say
/// about a delivery's steps is said before its worker's next `delivery` invoke: that is when a
/// checker may settle what it held for the delivery. Bounded by the workers.
struct DeliveriesInFlight {
    private var current: [Int: Delivery] = [:]

    /// The delivery this event ends for its worker, if it starts the worker's next one.
    mutating func observe(_ event: HistoryEvent) -> Delivery? {
        guard event.subject == HistoryEvent.Subject.delivery, event.kind == .invoke else { return nil }
        let previous = current[event.worker]
        current[event.worker] = event.delivery
        return previous
    }

    /// Workers in the middle of a delivery.
    var count: Int { current.count }

    /// The deliveries still open when the history ends.
    var open: [Delivery] { current.sorted { $0.key < $1.key }.map(\.value) }
}
