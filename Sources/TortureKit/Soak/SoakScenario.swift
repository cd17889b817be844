/// One scenario of a soak and the parameters it runs with; each run replaces the seed.
public struct SoakScenario: Sendable {
    public var scenario: Scenario
    public var configuration: RunConfiguration
    /// Each seed draws its own machine and faults (`RunConfiguration.swarmed`).
    public var swarm: Bool

    public init(scenario: Scenario, configuration: RunConfiguration, swarm: Bool = false) {
        self.scenario = scenario
        self.configuration = configuration
        self.swarm = swarm
    }

    public func configuration(seed: Seed) -> RunConfiguration {
        var configuration = configuration
        configuration.seed = seed
        return swarm ? configuration.swarmed(for: scenario) : configuration
    }
}

/// What the soak tells its observer after each run: the report, never the history.
public struct SoakRunEvent: Sendable {
    public var report: RunReport
    public var position: Int
    public var reportDirectory: String?
    public var reportError: String?
}
