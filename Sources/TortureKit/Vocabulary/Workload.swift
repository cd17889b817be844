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
    /// When the messages are published: all at the start unless the scenario or `--arrival` says otherwise.
    public var arrival: ArrivalProcess

    public init(
        messages: Int, deliveriesPerMessage: Int, concurrentDeliveries: Int, concurrencyCap: Int? = nil, latencyBudgetMillis: Int? = nil,
        arrival: ArrivalProcess = .allAtOnce
    ) {
        self.arrival = arrival
        self.messages = messages
        self.deliveriesPerMessage = deliveriesPerMessage
        self.concurrentDeliveries = concurrentDeliveries
        self.concurrencyCap = concurrencyCap
        self.latencyBudgetMillis = latencyBudgetMillis
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decode(Int.self, forKey: .messages)
        deliveriesPerMessage = try container.decode(Int.self, forKey: .deliveriesPerMessage)
        concurrentDeliveries = try container.decode(Int.self, forKey: .concurrentDeliveries)
        concurrencyCap = try container.decodeIfPresent(Int.self, forKey: .concurrencyCap)
        latencyBudgetMillis = try container.decodeIfPresent(Int.self, forKey: .latencyBudgetMillis)
        arrival = try container.decodeIfPresent(ArrivalProcess.self, forKey: .arrival) ?? .allAtOnce
    }
}
