import Synchronization

/// The in-process stand-in for SQS: hands the schedule's deliveries to whichever processor asks
/// next (at-least-once) and remembers when each message was first handed over.
public final class Broker: Sendable {
    private struct State {
        var schedule: [Delivery]
        var position = 0
        /// Per message; 0 means not yet delivered (the clock starts above 0 by the time it matters).
        var firstDeliveredNanos: [UInt64]
    }

    private let state: Mutex<State>
    public let totalDeliveries: Int

    public init(schedule: [Delivery], messages: Int) {
        totalDeliveries = schedule.count
        state = Mutex(State(schedule: schedule, firstDeliveredNanos: Array(repeating: 0, count: messages)))
    }

    /// The next delivery, or nil when the schedule is exhausted.
    public func next(nowNanos: UInt64) -> Delivery? {
        state.withLock { state in
            guard state.position < state.schedule.count else { return nil }
            let delivery = state.schedule[state.position]
            state.position += 1
            if state.firstDeliveredNanos[delivery.message] == 0 {
                state.firstDeliveredNanos[delivery.message] = max(1, nowNanos)
            }
            return delivery
        }
    }

    public func firstDeliveredNanos(message: Int) -> UInt64 {
        state.withLock { $0.firstDeliveredNanos[message] }
    }

    public var handedOut: Int {
        state.withLock { $0.position }
    }
}
