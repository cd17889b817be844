/// Virtual time for a simulated run: readings come from the scheduler, sleeps are timers it fires
/// when nothing else can run, so a 900 s visibility timeout costs no wall time.
public struct SimulatedClock: TortureClock {
    public let scheduler: SimulationScheduler

    public init(scheduler: SimulationScheduler) {
        self.scheduler = scheduler
    }

    public func nowNanos() -> UInt64 {
        scheduler.tick()
    }

    public func sleep(nanos: UInt64) async throws {
        await withUnsafeContinuation { continuation in
            scheduler.addTimer(afterNanos: nanos, continuation)
        }
    }
}
