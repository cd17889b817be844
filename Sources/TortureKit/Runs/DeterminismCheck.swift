import Foundation

/// `--check-determinism`: the same seed, simulated again on a fresh store, must produce the same
/// history event for event. A difference fails the run and names where it starts.
public struct DeterminismCheck: Sendable {
    public let scenario: Scenario
    public let configuration: RunConfiguration
    public let first: RunEngine.Outcome

    public init(scenario: Scenario, configuration: RunConfiguration, first: RunEngine.Outcome) {
        self.scenario = scenario
        self.configuration = configuration
        self.first = first
    }

    /// The first outcome, with a `determinism` verdict added: held when the second run's history
    /// is identical.
    public func rerun(startedAt: String) async -> RunEngine.Outcome {
        let folder = NSTemporaryDirectory() + "torture-determinism-\(getpid())-\(configuration.seed)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = SQLiteStore(path: folder + "/store.sqlite", isUserPath: false)
        let second = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: startedAt)
        var outcome = first
        var witnesses: [Witness] = []
        if let index = first.history.firstDivergence(from: second.history) {
            let describe: (History) -> String = { history in
                guard index < history.events.count else { return "the history ends" }
                let event = history.events[index]
                return "\(Names.worker(event.worker)) \(event.kind.rawValue) \(event.subject) of \(event.delivery.label)"
            }
            witnesses.append(Witness(
                message: nil, workers: [], events: [index],
                text: "the histories diverge at event \(index): first run \(describe(first.history)), second run \(describe(second.history)) "
                    + "(hashes \(first.report.historyHash) and \(second.report.historyHash))"
            ))
        }
        outcome.report.verdicts.append(Verdict(invariant: "determinism", witnesses: witnesses))
        if !witnesses.isEmpty { outcome.report.status = .violated }
        return outcome
    }
}
