/// `--check-determinism`: the same seed, simulated again on a fresh store, must produce the same
/// history event for event. A difference fails the run and names where it starts.
public struct DeterminismCheck: Sendable {
    public let scenario: Scenario
    public let configuration: RunConfiguration
    public let first: RunEngine.Outcome
    /// Where the second run goes: a fresh store from the command's provider.
    public let stores: any StoreProvider

    /// The verdict the check adds to the report.
    public static let invariant = "determinism"

    public init(scenario: Scenario, configuration: RunConfiguration, first: RunEngine.Outcome, stores: any StoreProvider) {
        self.stores = stores
        self.scenario = scenario
        self.configuration = configuration
        self.first = first
    }

    /// The first outcome, with a `determinism` verdict added: held when the second run's history
    /// is identical.
    public func rerun(startedAt: String) async -> RunEngine.Outcome {
        let second: RunEngine.Outcome
        do {
            let store = try stores.makeStore(scenario: scenario.name, seed: configuration.seed)
            defer { stores.discard(store) }
            second = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: startedAt)
        } catch {
            var outcome = first
            outcome.report.status = .storeFailed
            outcome.report.failureReason = "the determinism check could not make a second store: \(error.message)"
            return outcome
        }
        var outcome = first
        var witnesses: [Witness] = []
        if let (index, mine, theirs) = first.history.divergence(from: second.history) {
            let describe: (HistoryEvent?) -> String = { event in
                guard let event else { return "the history ends" }
                return "\(Names.worker(event.worker)) \(event.kind.rawValue) \(event.subject) of \(event.label)"
            }
            witnesses.append(Witness(
                message: nil, workers: [], events: [index],
                text: "the histories diverge at event \(index): first run \(describe(mine)), second run \(describe(theirs)) "
                    + "(hashes \(first.report.historyHash) and \(second.report.historyHash))"
            ))
        }
        outcome.report.verdicts.append(Verdict(invariant: Self.invariant, witnesses: witnesses))
        if !witnesses.isEmpty { outcome.report.status = .violated }
        return outcome
    }
}
