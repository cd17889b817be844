import Synchronization

/// Set from outside the soak (the CLI's signal handler): the run in hand is interrupted (and not
/// counted), then the soak stops and reports what it has.
public final class SoakCancellation: Sendable {
    private let signal = Atomic<Int32>(0)

    public init() {}

    /// Handed to each run's engine: the run in hand winds down at once and reports as
    /// interrupted, so its store is dropped by the engine like any other's.
    public let interruption = RunInterruption()

    /// The first request wins, so a second Ctrl-C does not change the exit code.
    public func cancel(signal number: Int32) {
        precondition(number > 0, "a cancellation names the signal that caused it")
        _ = signal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
        interruption.interrupt(signal: number)
    }

    public var isCancelled: Bool { signal.load(ordering: .relaxed) != 0 }

    /// The signal that asked the soak to stop, if any.
    public var signalNumber: Int32? {
        let value = signal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
