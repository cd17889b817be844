/// A sleeping task, woken at `wakeNanos`; equal times wake in the order they slept.
struct SimulationTimer: HeapOrdered {
    var wakeNanos: UInt64
    var sequence: Int
    var continuation: UnsafeContinuation<Void, Never>

    func precedes(_ other: SimulationTimer) -> Bool {
        (wakeNanos, sequence) < (other.wakeNanos, other.sequence)
    }
}
