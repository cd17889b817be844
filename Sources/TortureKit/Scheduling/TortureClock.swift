#if canImport(Glibc)
import Glibc
#else
import Dispatch
#endif

/// The only source of time in the engine: every sleep, timeout and timestamp goes through it, so
/// a simulated clock can later replace real time without touching the engine.
public protocol TortureClock: Sendable {
    /// Monotonic nanoseconds since the clock's origin.
    func nowNanos() -> UInt64
    func sleep(nanos: UInt64) async throws
}

/// Real time: the system's monotonic clock, measured from when the clock was made.
public struct RealClock: TortureClock {
    private let originNanos: UInt64

    public init() {
        originNanos = Self.monotonicNanos()
    }

    public func nowNanos() -> UInt64 {
        Self.monotonicNanos() &- originNanos
    }

    /// Read a few times per statement: `clock_gettime` directly, not through `Duration`'s
    /// 128-bit attoseconds.
    private static func monotonicNanos() -> UInt64 {
        #if canImport(Glibc)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
        #else
        return DispatchTime.now().uptimeNanoseconds
        #endif
    }

    public func sleep(nanos: UInt64) async throws {
        try await ContinuousClock().sleep(for: .nanoseconds(Int64(clamping: nanos)))
    }
}
