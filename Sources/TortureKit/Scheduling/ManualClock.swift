import Synchronization

/// Time that moves only when someone sleeps: a sleep advances it by its duration and returns at
/// once, as swift-nio's `EmbeddedEventLoop` moves time by hand. For driving one delivery in a
/// test (`EmbeddedDelivery`): a 30 s stall costs no wall time, and every timestamp is exact.
public final class ManualClock: TortureClock {
    private let now = Mutex<UInt64>(0)

    public init(startNanos: UInt64 = 0) {
        now.withLock { $0 = startNanos }
    }

    public func nowNanos() -> UInt64 { now.withLock { $0 } }

    public func sleep(nanos: UInt64) async throws {
        now.withLock { current in
            let (sum, overflow) = current.addingReportingOverflow(nanos)
            current = overflow ? .max : sum
        }
    }

    /// Moves time on without a sleep: what happens while the handler computes.
    public func advance(byNanos nanos: UInt64) {
        now.withLock { $0 &+= nanos }
    }
}
