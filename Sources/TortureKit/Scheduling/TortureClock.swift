/// The only source of time in the engine: every sleep, timeout and timestamp goes through it, so
/// a simulated clock can later replace real time without touching the engine.
public protocol TortureClock: Sendable {
    /// Monotonic nanoseconds since the clock's origin.
    func nowNanos() -> UInt64
    func sleep(nanos: UInt64) async throws
}

/// Real time: `ContinuousClock`, measured from when the clock was made.
public struct RealClock: TortureClock {
    private let origin: ContinuousClock.Instant

    public init() {
        origin = ContinuousClock.now
    }

    public func nowNanos() -> UInt64 {
        let elapsed = ContinuousClock.now - origin
        let (seconds, attoseconds) = elapsed.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000
    }

    public func sleep(nanos: UInt64) async throws {
        try await ContinuousClock().sleep(for: .nanoseconds(Int64(clamping: nanos)))
    }
}
