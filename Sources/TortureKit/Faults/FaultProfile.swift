/// How likely each kind of fault is at each injection point: what a scenario file declares.
public struct FaultProfile: Sendable, Equatable, Codable {
    public var delays: [InjectionPoint: DelayRule]

    public init(delays: [InjectionPoint: DelayRule] = [:]) {
        self.delays = delays
    }

    public static let none = FaultProfile()
}

/// Pause the processor for a duration drawn uniformly from `minMillis...maxMillis`.
public struct DelayRule: Sendable, Equatable, Codable {
    public var probability: Double
    public var minMillis: Int
    public var maxMillis: Int

    public init(probability: Double, minMillis: Int, maxMillis: Int) {
        precondition((0.0...1.0).contains(probability), "probability outside [0, 1]")
        precondition(minMillis >= 0 && minMillis <= maxMillis, "delay range is empty")
        self.probability = probability
        self.minMillis = minMillis
        self.maxMillis = maxMillis
    }
}
