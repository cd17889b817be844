/// Everything a processor reads and nothing it writes: shared by all processors of a run.
struct ProcessorContext: Sendable {
    var handler: any DeliveryHandler
    var deadLetter: SQLTemplate?
    var onError: ErrorHandling
    var seed: Seed
    var plan: FaultPlan
    var broker: Broker
    var clock: any TortureClock
    var store: any Store
    var progress: RunProgress
    var abort: RunAbort
    var mode: ExecutionMode
    /// How long processors may work, on the injected clock from the moment they all start: a
    /// processor that reaches it stops taking deliveries, and the run ends with a `liveness`
    /// verdict instead of hanging. A duration; each participant's `deadlineAtNanos` is the instant.
    var deadlineAfterNanos: UInt64
    var stop: RunStop
    /// Each processor's log spills past its share of this.
    var historyBudget: HistoryBudget
    var historyShareBytes: Int
    /// The run's handler processes, when the handler is a program (`ProcessHandler`).
    var handlerProcesses: HandlerProcesses? = nil
    /// The scenario's `until:` query in the store's dialect: the actors that hold the run open ask
    /// it, and the run ends when it returns no rows with the queue empty.
    var until: SQLTemplate? = nil

    static let busyYieldNanos: UInt64 = 1_000
    /// A lock never released in this many yields (over 100 s of virtual time at the longest
    /// pause) is a deadlock in the protocol or the harness.
    static let busyYieldLimit = 100_000

    /// While nothing is visible a processor looks again this often: an ack or nack elsewhere can
    /// make an entry visible before the earliest timer.
    static let idlePollNanos: UInt64 = 1_000_000
}

/// What a processor hands back when the broker runs dry.
struct ProcessorResult: Sendable {
    var log: SealedLog
    /// Writing the log to disk failed: the run cannot vouch for its history.
    var spillError: StoreError?
    var latency: LatencyRecorder
    var fired: FiredFaultTally
    var counts: DeliveryCounts
    /// It stopped at the deadline with work left.
    var gaveUp: Bool
}

public struct DeliveryCounts: Sendable, Codable, Equatable {
    public var deliveries = 0
    public var done = 0
    public var skipped = 0
    public var failed = 0
    public var crashed = 0
    public var timedOut = 0
    public var deadLettered = 0
    /// Acks refused because the lease had run out and the message was received again: zombies.
    public var staleAcks = 0
    /// Failed deliveries the protocol acknowledged anyway (`on-error: ack`): each one is lost.
    public var swallowed = 0
    /// Store errors by kind (busy, serialization-failure, unique-violation, …).
    public var storeErrors: [StoreErrorKind: Int] = [:]
    /// The first store error a delivery ended in (the lowest worker's, when several had one), with
    /// the step it ended: what a run in which nothing finished has to say about why.
    public var firstStoreError: String?

    public init() {}

    mutating func add(_ other: DeliveryCounts) {
        deliveries += other.deliveries
        done += other.done
        skipped += other.skipped
        failed += other.failed
        crashed += other.crashed
        timedOut += other.timedOut
        deadLettered += other.deadLettered
        staleAcks += other.staleAcks
        swallowed += other.swallowed
        storeErrors.merge(other.storeErrors, uniquingKeysWith: +)
        firstStoreError = firstStoreError ?? other.firstStoreError
    }
}
