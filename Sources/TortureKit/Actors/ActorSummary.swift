/// What one instance of a scenario actor did in a run: for the report, beside the deliveries.
public struct ActorSummary: Sendable, Codable, Equatable {
    public var actor: String
    public var instance: Int
    /// Its number in the history's `worker` field (after the processors').
    public var worker: Int
    /// Runs that landed (committed, or ran to the end without a transaction).
    public var runs = 0
    /// Runs that failed: rolled back, or stopped by an injected fault.
    public var failed = 0
    /// Runs skipped because another instance's run was still going (`overlap: false`).
    public var skipped = 0
    /// Runs cut off by a crash (or by the run's deadline in a pause).
    public var crashed = 0
    /// Messages put back into the broker.
    public var published = 0

    public init(actor: String, instance: Int, worker: Int) {
        self.actor = actor
        self.instance = instance
        self.worker = worker
    }

    /// `sweeper-1`
    public var name: String { "\(actor)-\(instance)" }
}

/// What an actor instance hands back when the run is over.
struct ActorResult: Sendable {
    var log: SealedLog
    /// Writing the log to disk failed: the run cannot vouch for its history.
    var spillError: StoreError?
    var fired: FiredFaultTally
    var summary: ActorSummary
}
