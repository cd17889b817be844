/// Scenario × seed after seed: every scenario on seed position 0, then every scenario on position
/// 1, …, each run on a fresh store, until the limit, a violation (unless `keepGoing`), a failed
/// store or a cancellation. A run's history is checked by the engine, written out only when the
/// run did not hold, and dropped before the next run starts.
public struct SoakLoop: Sendable {
    /// Writes a failed run's report folder (the run, its history, a snapshot of its store) and
    /// returns the folder: given by whoever starts the soak, so the loop itself writes no files.
    public typealias FailedRunReporter = @Sendable (_ outcome: RunEngine.Outcome, _ store: any Store) throws -> String

    public var scenarios: [SoakScenario]
    public var seeds: SeedSequence
    public var limit: SoakLimit
    public var keepGoing: Bool
    public var header: SoakSummary.Header
    /// Writes the report folder of a run that did not hold and returns its path.
    public var reportFailedRun: FailedRunReporter
    public var stores: any StoreProvider
    public var clock: any TortureClock
    public var wallClock: any WallClock
    public var cancellation: SoakCancellation
    public var progress: SoakProgress
    public var checkpoint: SoakCheckpoint
    public var onRunFinished: @Sendable (SoakRunEvent) -> Void
    /// The line that repeats a run, in the words of whoever started the soak (the CLI's flags).
    public var reproLine: @Sendable (RunConfiguration) -> String

    /// Report folders written at most: each holds a history and a store, and a keep-going soak of
    /// a scenario that always fails must not fill the disk. Later failures keep their repro lines.
    public static let reportFolderLimit = 100

    public init(
        scenarios: [SoakScenario], seeds: SeedSequence, limit: SoakLimit, keepGoing: Bool, header: SoakSummary.Header,
        reportFailedRun: @escaping FailedRunReporter, stores: any StoreProvider, clock: any TortureClock, wallClock: any WallClock,
        reproLine: @escaping @Sendable (RunConfiguration) -> String, cancellation: SoakCancellation = SoakCancellation(), progress: SoakProgress = SoakProgress(),
        checkpoint: SoakCheckpoint = SoakCheckpoint(), onRunFinished: @escaping @Sendable (SoakRunEvent) -> Void = { _ in }
    ) {
        precondition(!scenarios.isEmpty, "a soak needs at least one scenario")
        self.scenarios = scenarios
        self.seeds = seeds
        self.limit = limit
        self.keepGoing = keepGoing
        self.header = header
        self.reportFailedRun = reportFailedRun
        self.stores = stores
        self.clock = clock
        self.wallClock = wallClock
        self.cancellation = cancellation
        self.progress = progress
        self.checkpoint = checkpoint
        self.onRunFinished = onRunFinished
        self.reproLine = reproLine
    }

    /// Returns the final summary; it is also published on the checkpoint.
    public func run() async -> SoakSummary {
        let startNanos = clock.nowNanos()
        var tally = SoakTally(scenarios: scenarios.map(\.scenario))
        var stop: (ending: SoakSummary.Ending, reason: String)?
        var position = 0
        // Published before the first run, so a signal during it still finds a summary to write.
        _ = checkpoint.whileOpen {
            tally.summary(header: header, ending: .interrupted, signal: nil, stopReason: "interrupted", elapsedNanos: 0)
        }
        while stop == nil {
            let seed = seeds.seed(at: position)
            for (index, soakScenario) in scenarios.enumerated() {
                stop = limitReached(runs: tally.runs, elapsedNanos: clock.nowNanos() &- startNanos)
                if stop != nil { break }
                if index == 0 {
                    tally.seedStarted(seed, position: position)
                    progress.seedStarted()
                }
                let finished = await runOnce(soakScenario, seed: seed, position: position, scenarioIndex: index,
                                             tally: &tally, startNanos: startNanos)
                guard let finished else {
                    // Closed from outside: the CLI has written the summary already.
                    return tally.summary(header: header, ending: .interrupted, signal: cancellation.signalNumber,
                                         stopReason: "interrupted", elapsedNanos: clock.nowNanos() &- startNanos)
                }
                stop = stopAfter(finished)
                if stop != nil { break }
            }
            position += 1
        }
        let (ending, reason) = stop!
        let summary = tally.summary(header: header, ending: ending, signal: cancellation.signalNumber, stopReason: reason,
                                    elapsedNanos: clock.nowNanos() &- startNanos)
        _ = checkpoint.whileOpen { summary }
        return summary
    }

    /// Before each run: has the soak done what it was asked, or been asked to stop?
    private func limitReached(runs: Int, elapsedNanos: UInt64) -> (SoakSummary.Ending, String)? {
        if let signal = cancellation.signalNumber { return (.interrupted, "interrupted by signal \(signal)") }
        switch limit {
        case .runs(let count) where runs >= count:
            return (.runsDone, "\(count) runs done")
        case .durationNanos(let nanos) where elapsedNanos >= nanos:
            return (.durationElapsed, "\(limit) elapsed")
        default:
            return nil
        }
    }

    /// After each run: does what it found end the soak?
    private func stopAfter(_ report: RunReport) -> (SoakSummary.Ending, String)? {
        switch report.status {
        case .held: nil
        case .violated: keepGoing ? nil : (.violation, "\(report.scenario.name) seed \(report.parameters.seed) violated "
            + report.violatedVerdicts.map(\.invariant).joined(separator: ", "))
        case .storeFailed, .simulationBroken:
            (.storeFailed, "\(report.scenario.name) seed \(report.parameters.seed): \(report.failureReason ?? "the store failed")")
        case .scenarioInvalid: (.scenarioInvalid, report.failureReason ?? "\(report.scenario.name): the store refused its SQL")
        case .interrupted: (.interrupted, "interrupted by signal \(cancellation.signalNumber ?? 0); the run in hand (\(report.scenario.name) "
            + "seed \(report.parameters.seed)) was stopped, its store removed, and it is not counted")
        }
    }

    /// One run, tallied; its report folder written if it did not hold. Nil when the checkpoint
    /// was closed under it.
    private func runOnce(
        _ soakScenario: SoakScenario, seed: Seed, position: Int, scenarioIndex: Int, tally: inout SoakTally, startNanos: UInt64
    ) async -> RunReport? {
        let configuration = soakScenario.configuration(seed: seed)
        let store: any Store
        do {
            store = try stores.makeStore(scenario: soakScenario.scenario.name, seed: seed)
        } catch {
            store = UnavailableStore(reason: error.message, dialect: soakScenario.scenario.dialects.first ?? .sqlite)
        }
        defer { stores.discard(store) }
        progress.runStarting(scenario: soakScenario.scenario.name, seed: seed)
        checkpoint.holdStore(store)
        defer { checkpoint.holdStore(nil) }
        let engine = RunEngine(scenario: soakScenario.scenario, configuration: configuration, store: store, clock: clock)
        var outcome = await engine.run(startedAt: wallClock.stamp().iso8601, interruption: cancellation.interruption)
        outcome.report.repro = reproLine(configuration)
        let report = outcome.report
        // Cut short by a signal: nothing to tally, and the engine has removed its store.
        guard report.status != .interrupted else { return report }

        var event = SoakRunEvent(report: report, position: position, reportDirectory: nil, reportError: nil)
        let open = checkpoint.whileOpen {
            if report.status != .held, tally.runsNotHeld >= Self.reportFolderLimit {
                event.reportError = "not written: \(Self.reportFolderLimit) report folders already written by this soak"
            } else if report.status != .held {
                do {
                    event.reportDirectory = try reportFailedRun(outcome, store)
                } catch {
                    event.reportError = "\(error)"
                }
            }
            let elapsedNanos = clock.nowNanos() &- startNanos
            tally.record(outcome, scenarioIndex: scenarioIndex, position: position, elapsedNanos: elapsedNanos,
                         reportDirectory: event.reportDirectory)
            return tally.summary(header: header, ending: .interrupted, signal: cancellation.signalNumber,
                                 stopReason: "interrupted", elapsedNanos: elapsedNanos)
        }
        guard open else { return nil }
        progress.runFinished(violated: report.status != .held)
        onRunFinished(event)
        return report
    }
}

/// Stands in for a store the provider could not make, so that run ends as `store-failed`
/// through the engine's own path and is reported like any other.
private struct UnavailableStore: Store {
    let reason: String
    let dialect: Dialect

    var displayName: String { "unavailable" }
    var commandLineValue: String { "unavailable" }
    func connect() throws(StoreError) -> any StoreConnection {
        throw .unavailable(reason)
    }
}
