import Synchronization

/// Set from outside the soak (the CLI's signal handler) and read between runs: the soak finishes
/// the run in hand, then stops and reports what it has.
public final class SoakCancellation: Sendable {
    private let signal = Atomic<Int32>(0)

    public init() {}

    /// The first request wins, so a second Ctrl-C does not change the exit code.
    public func cancel(signal number: Int32) {
        precondition(number > 0, "a cancellation names the signal that caused it")
        _ = signal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
    }

    public var isCancelled: Bool { signal.load(ordering: .relaxed) != 0 }

    /// The signal that asked the soak to stop, if any.
    public var signalNumber: Int32? {
        let value = signal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
