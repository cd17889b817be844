/// How the broker redelivers: the knobs of SQS and of SNS → Lambda asynchronous invocation.
public struct DeliveryPolicy: Sendable, Codable, Equatable {
    public enum Preset: String, Sendable, Codable, CaseIterable {
        /// SQS with a Lambda event source: a received message is invisible for the visibility
        /// timeout; a failed batch becomes visible again when it ends; past `maxReceiveCount`
        /// receives it moves to the DLQ (redrive policy).
        case sqs
        /// SNS → Lambda asynchronous invocation: one try and two retries a minute or two apart,
        /// then the on-failure destination (DLQ).
        case snsLambda = "sns-lambda"
    }

    public var preset: Preset
    /// How long a receive hides the message from everyone else (the lease).
    public var visibilityTimeoutMillis: Int
    /// Receives after which the message is dead-lettered instead of delivered.
    public var maxReceiveCount: Int
    /// After a failed delivery (nack), how long until the message is visible again.
    public var retryDelayMillis: Int
    /// SNS fan-out: each message goes to this many subscriber groups, each with its own queue.
    public var subscribers: Int

    public init(preset: Preset, visibilityTimeoutMillis: Int, maxReceiveCount: Int, retryDelayMillis: Int, subscribers: Int) {
        precondition(visibilityTimeoutMillis > 0 && maxReceiveCount > 0 && retryDelayMillis >= 0 && subscribers > 0, "invalid delivery policy")
        self.preset = preset
        self.visibilityTimeoutMillis = visibilityTimeoutMillis
        self.maxReceiveCount = maxReceiveCount
        self.retryDelayMillis = retryDelayMillis
        self.subscribers = subscribers
    }

    /// The services' real defaults; scenarios usually scale the times down.
    public static func defaults(for preset: Preset) -> DeliveryPolicy {
        switch preset {
        case .sqs:
            // SQS's default visibility timeout is 30 s; a failed Lambda batch waits it out.
            DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 30_000, maxReceiveCount: 3, retryDelayMillis: 30_000, subscribers: 1)
        case .snsLambda:
            // Async invocation: 1 try + 2 retries (about 1 and 2 minutes apart); a function may run 900 s.
            DeliveryPolicy(preset: .snsLambda, visibilityTimeoutMillis: 900_000, maxReceiveCount: 3, retryDelayMillis: 60_000, subscribers: 1)
        }
    }

    /// What a scenario without a `delivery:` block gets: SQS semantics with times short enough
    /// for a run of seconds.
    public static let standard = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 1_000, maxReceiveCount: 3, retryDelayMillis: 0, subscribers: 1)
}
