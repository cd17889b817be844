/// How much work a run is: messages, deliveries per message, how many arrive at once.
public struct Workload: Sendable, Codable, Equatable {
    public var messages: Int
    /// How many times the broker hands each message over (at-least-once).
    public var deliveriesPerMessage: Int
    /// How many of those deliveries arrive at the same moment; the rest arrive late.
    public var concurrentDeliveries: Int
    /// At most this many processors run, whatever `--workers` asks (Lambda's reserved concurrency).
    public var concurrencyCap: Int?
    /// The end-to-end p99 the system promises; the report says whether the run kept it.
    public var latencyBudgetMillis: Int?

    public init(messages: Int, deliveriesPerMessage: Int, concurrentDeliveries: Int, concurrencyCap: Int? = nil, latencyBudgetMillis: Int? = nil) {
        self.messages = messages
        self.deliveriesPerMessage = deliveriesPerMessage
        self.concurrentDeliveries = concurrentDeliveries
        self.concurrencyCap = concurrencyCap
        self.latencyBudgetMillis = latencyBudgetMillis
    }
}
