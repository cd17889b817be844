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
            var text = "the histories diverge at event \(index): first run \(Self.describe(mine)), second run \(Self.describe(theirs)) "
                + "(hashes \(first.report.historyHash) and \(second.report.historyHash))"
            if mine?.subject != HistoryEvent.Subject.statement && theirs?.subject != HistoryEvent.Subject.statement,
               let statements = Self.statementDivergence(first.history, second.history) {
                text += "; the first statement that differs: first run \(Self.describe(statements.mine)), second run \(Self.describe(statements.theirs))"
            }
            witnesses.append(Witness(message: nil, workers: [], events: [index], text: text))
        }
        outcome.report.verdicts.append(Verdict(invariant: Self.invariant, witnesses: witnesses))
        if !witnesses.isEmpty { outcome.report.status = .violated }
        return outcome
    }

    /// `w-01 info statement of m-00009/1#1`; a statement of a handler process with what it was
    /// and how it ended (`#2 SELECT 1: SELECT count(*) FROM seen`), since that is where a handler
    /// that consults something no seed controls shows it.
    static func describe(_ event: HistoryEvent?) -> String {
        guard let event else { return "the history ends" }
        let said = "\(Names.worker(event.worker)) \(event.kind.rawValue) \(event.subject) of \(event.label)"
        guard event.subject == HistoryEvent.Subject.statement, let detail = event.detail else { return said }
        return "\(said) (\(detail))"
    }

    /// The first place where the statements the wire proxy saw, in history order, part.
    static func statementDivergence(_ mine: History, _ theirs: History) -> (mine: HistoryEvent?, theirs: HistoryEvent?)? {
        var left = mine.lazy.filter { $0.subject == HistoryEvent.Subject.statement }.makeIterator()
        var right = theirs.lazy.filter { $0.subject == HistoryEvent.Subject.statement }.makeIterator()
        while true {
            let one = left.next(), other = right.next()
            if one == nil, other == nil { return nil }
            if one?.detail != other?.detail || one?.worker != other?.worker || one?.label != other?.label { return (one, other) }
        }
    }
}
