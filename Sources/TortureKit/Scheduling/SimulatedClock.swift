/// Virtual time for a simulated run: readings come from the scheduler, sleeps are timers it fires
/// when nothing else can run, so a 900 s visibility timeout costs no wall time. Reading it never
/// moves it: only the scheduler advances time (each job it runs takes a seeded 0.5–5 µs, a timer
/// that fires jumps to its time), so a diagnostic read changes no later timestamp.
public struct SimulatedClock: TortureClock {
    public let scheduler: SimulationScheduler

    public init(scheduler: SimulationScheduler) {
        self.scheduler = scheduler
    }

    public func nowNanos() -> UInt64 {
        scheduler.now()
    }

    public func sleep(nanos: UInt64) async throws {
        await withUnsafeContinuation { continuation in
            scheduler.addTimer(afterNanos: nanos, continuation)
        }
    }
}
