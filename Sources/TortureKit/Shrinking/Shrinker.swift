/// Minimises a failing run while the same invariant keeps failing: fewer messages, fewer workers,
/// fewer deliveries, fewer fault rules. In simulation one run decides a candidate; on real threads
/// a candidate counts as failing if any of `attempts` runs fails, so a lucky pass is never taken
/// for a fix. Every candidate costs a run; `runBudget` bounds them.
public struct Shrinker: Sendable {
    public let scenario: Scenario
    public let invariant: String
    public let attempts: Int
    public let runBudget: Int
    /// Where each candidate runs: a fresh store from the command's provider.
    public let stores: any StoreProvider

    public init(scenario: Scenario, invariant: String, attempts: Int, runBudget: Int, stores: any StoreProvider) {
        self.stores = stores
        precondition(attempts >= 1 && runBudget >= 1, "a shrink needs attempts and runs")
        self.scenario = scenario
        self.invariant = invariant
        self.attempts = attempts
        self.runBudget = runBudget
    }

    public struct Step: Sendable {
        public var what: String
        public var accepted: Bool
    }

    public struct Result: Sendable {
        public var configuration: RunConfiguration
        public var reproducedOriginal: Bool
        public var runs: Int
        public var steps: [Step]
    }

    /// `onStep` hears of every candidate tried, for a progress line.
    public func shrink(_ original: RunConfiguration, onStep: @Sendable (Step) -> Void = { _ in }) async -> Result {
        var runs = 0
        var steps: [Step] = []
        func fails(_ candidate: RunConfiguration, _ what: String) async -> Bool {
            var failed = false
            let tries = candidate.scheduler.isSimulated ? 1 : attempts
            for _ in 0..<tries where !failed && runs < runBudget {
                runs += 1
                failed = await violates(candidate)
            }
            let step = Step(what: what, accepted: failed)
            steps.append(step)
            onStep(step)
            return failed
        }

        guard await fails(original, "the original run") else {
            return Result(configuration: original, reproducedOriginal: false, runs: runs, steps: steps)
        }
        var current = original
        for _ in 0..<2 {
            for messages in Self.ladder(below: current.messages) where runs < runBudget {
                var candidate = current
                candidate.messages = messages
                if await fails(candidate, "\(messages) messages") { current = candidate; break }
            }
            for workers in Self.ladder(below: current.workers) where runs < runBudget {
                var candidate = current
                candidate.workers = workers
                if await fails(candidate, "\(workers) workers") { current = candidate; break }
            }
            for deliveries in Self.ladder(below: current.deliveriesPerMessage) where runs < runBudget {
                var candidate = current
                candidate.deliveriesPerMessage = deliveries
                candidate.concurrentDeliveries = min(candidate.concurrentDeliveries, deliveries)
                if await fails(candidate, "\(deliveries) deliveries per message") { current = candidate; break }
            }
            for (what, undone) in current.swarm?.undoings ?? [] where runs < runBudget {
                var candidate = current
                candidate.swarm = undone.isNeutral ? nil : undone
                if await fails(candidate, what) { current = candidate }
            }
            let active = scenario.faults.disabling(current.disabledFaults).profile.ruleNames
            for rule in active where runs < runBudget {
                var candidate = current
                candidate.disabledFaults.append(rule)
                if await fails(candidate, "without \(rule)") { current = candidate }
            }
        }
        return Result(configuration: current, reproducedOriginal: true, runs: runs, steps: steps)
    }

    /// Smaller values to try, smallest first: 1, 2, 3, 5, 8, … below `value`.
    static func ladder(below value: Int) -> [Int] {
        var values: [Int] = []
        var (a, b) = (1, 2)
        while a < value {
            values.append(a)
            (a, b) = (b, a + b)
        }
        if let last = values.last, last < value - 1, value / 2 > last { values.append(value / 2) }
        return values
    }

    private func violates(_ configuration: RunConfiguration) async -> Bool {
        let store: any Store
        do {
            store = try stores.makeStore(scenario: scenario.name, seed: configuration.seed)
        } catch {
            return false
        }
        defer { stores.discard(store) }
        let report = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "shrink").report
        return report.verdicts.contains { $0.invariant == invariant && !$0.held }
    }
}
