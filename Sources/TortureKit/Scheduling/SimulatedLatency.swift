/// How long things take in simulated time: every store call and every receive of a simulated run
/// lasts a duration drawn from this model, keyed by (seed, processor, call number) — a hash, so
/// the same seed gives the same durations. Without it a store call takes no virtual time, and a
/// race that needs something to be slow (a lease that runs out between a receive and a claim, a
/// takeover while a stale write is in flight) could never happen in simulation, though it happens
/// on any loaded machine.
public struct SimulatedLatency: Sendable, Codable, Equatable {
    /// A share of calls and the range their durations are drawn from, uniformly.
    public struct Band: Sendable, Codable, Equatable {
        public var share: Double
        public var minMicros: Double
        public var maxMicros: Double

        public init(share: Double, minMicros: Double, maxMicros: Double) {
            precondition(share >= 0 && minMicros >= 0 && minMicros <= maxMicros, "invalid latency band")
            self.share = share
            self.minMicros = minMicros
            self.maxMicros = maxMicros
        }
    }

    /// Store calls: most are fast, a few are slow, one in a thousand stalls (a checkpoint, an
    /// fsync, a descheduled backend). Shares add up to at most 1; the rest take no time.
    public var storeCall: [Band]
    /// Receives from the broker (SQS's long poll answering).
    public var receive: [Band]

    /// One processor (by number) whose calls all take `factor` times as long: a slow machine
    /// among fast ones.
    public var slowWorker: SlowWorker?

    public struct SlowWorker: Sendable, Codable, Equatable {
        public var worker: Int
        public var factor: Double

        public init(worker: Int, factor: Double) {
            self.worker = worker
            self.factor = factor
        }
    }

    public init(storeCall: [Band], receive: [Band], slowWorker: SlowWorker? = nil) {
        self.storeCall = storeCall
        self.receive = receive
        self.slowWorker = slowWorker
    }

    /// No virtual time for store calls or receives: the simulation as it was before the model.
    public static let none = SimulatedLatency(storeCall: [], receive: [])

    /// Shaped on what the harness measures on this machine's real stores: SQLite statements p50
    /// ≈ 30 µs, p99 ≈ 4 ms under 8–64 processors; PostgreSQL over loopback p50 ≈ 150 µs.
    public static func defaults(for dialect: Dialect) -> SimulatedLatency {
        let scale = dialect == .postgres ? 5.0 : 1.0
        return SimulatedLatency(
            storeCall: [
                Band(share: 0.95, minMicros: 10 * scale, maxMicros: 60 * scale),
                Band(share: 0.04, minMicros: 60 * scale, maxMicros: 600 * scale),
                Band(share: 0.009, minMicros: 600 * scale, maxMicros: 6_000 * scale),
                Band(share: 0.001, minMicros: 6_000 * scale, maxMicros: 60_000 * scale),
            ],
            receive: [
                Band(share: 0.95, minMicros: 20, maxMicros: 100),
                Band(share: 0.04, minMicros: 100, maxMicros: 1_000),
                Band(share: 0.01, minMicros: 1_000, maxMicros: 20_000),
            ])
    }

    /// The duration of call `call` of processor `worker`, in nanoseconds.
    public func nanos(_ bands: [Band], seed: Seed, salt: UInt64, worker: Int, call: Int) -> UInt64 {
        guard !bands.isEmpty else { return 0 }
        let key = Mix.combine(seed.value, salt, UInt64(worker), UInt64(call))
        var pick = Mix.unitInterval(key)
        let within = Mix.unitInterval(Mix.finalize(key))
        for band in bands {
            if pick < band.share {
                let factor = slowWorker.map { $0.worker == worker ? $0.factor : 1 } ?? 1
                return UInt64((band.minMicros + (band.maxMicros - band.minMicros) * within) * 1_000 * factor)
            }
            pick -= band.share
        }
        return 0
    }

    static let storeCallSalt: UInt64 = 0x5704_E0CA
    static let receiveSalt: UInt64 = 0x4ECE_1BE0
}
