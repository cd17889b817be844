/// One scenario of a soak and the parameters it runs with; each run replaces the seed.
public struct SoakScenario: Sendable {
    public var scenario: Scenario
    public var configuration: RunConfiguration

    public init(scenario: Scenario, configuration: RunConfiguration) {
        self.scenario = scenario
        self.configuration = configuration
    }

    public func configuration(seed: Seed) -> RunConfiguration {
        var configuration = configuration
        configuration.seed = seed
        return configuration
    }
}

/// What the soak tells its observer after each run: the report, never the history.
public struct SoakRunEvent: Sendable {
    public var report: RunReport
    public var position: Int
    public var reportDirectory: String?
    public var reportError: String?
}
