import Histogram

/// What a soak has gathered so far, run by run. Everything in it has a fixed upper bound — one
/// merged histogram per scenario, capped lists, a fixed-capacity series — so a night-long soak
/// holds as much as a minute-long one; each run's history is dropped once it is tallied.
public struct SoakTally: Sendable {
    private var scenarios: [ScenarioAccumulator]
    private var failed: [SoakSummary.FailedRun] = []
    private var failedOmitted = 0
    private var throughput = ThroughputSeries(initialBucketWidthNanos: 1_000_000_000)
    private var seedPositionsStarted = 0
    private var firstSeed: Seed?
    private var lastSeed: Seed?

    /// A failure ends a range; past this many ranges the last one absorbs the rest, so a
    /// keep-going soak of a scenario that always fails stays bounded.
    public static let rangeLimit = 1_000

    public init(scenarioNames: [String]) {
        scenarios = scenarioNames.map { ScenarioAccumulator(name: $0, sometimes: []) }
    }

    /// With each scenario's `sometimes:` conditions, so one the soak never ran is still listed.
    public init(scenarios: [Scenario]) {
        self.scenarios = scenarios.map { ScenarioAccumulator(name: $0.name, sometimes: $0.sometimes) }
    }

    public var runs: Int { scenarios.reduce(0) { $0 + $1.runs } }
    public var violated: Int { scenarios.reduce(0) { $0 + $1.violated } }
    public var withoutVerdict: Int { scenarios.reduce(0) { $0 + $1.withoutVerdict } }
    public var runsNotHeld: Int { violated + withoutVerdict }

    mutating func seedStarted(_ seed: Seed, position: Int) {
        precondition(position == seedPositionsStarted, "seed positions are started in order, without gaps")
        seedPositionsStarted += 1
        if firstSeed == nil { firstSeed = seed }
        lastSeed = seed
    }

    /// Tallies one finished run. `elapsedNanos` is soak time at its end.
    mutating func record(
        _ outcome: RunEngine.Outcome, scenarioIndex: Int, position: Int, elapsedNanos: UInt64, reportDirectory: String?
    ) {
        let report = outcome.report
        let runNanos = min(elapsedNanos, UInt64(max(0, report.timing.durationMillis) * 1_000_000))
        throughput.add(fromNanos: elapsedNanos - runNanos, toNanos: elapsedNanos, count: UInt64(report.counts.deliveries))
        scenarios[scenarioIndex].record(outcome, position: position)
        guard report.status != .held else { return }
        guard failed.count < SoakSummary.violationLimit else {
            failedOmitted += 1
            return
        }
        failed.append(SoakSummary.FailedRun(
            scenario: report.scenario.name, seed: report.parameters.seed, position: position, status: report.status,
            failureReason: report.failureReason,
            invariants: report.violatedVerdicts.map { verdict in
                SoakSummary.BrokenInvariant(invariant: verdict.invariant, witnessCount: verdict.witnessCount,
                                            witnesses: verdict.witnesses.prefix(SoakSummary.BrokenInvariant.witnessLimit).map(\.text))
            },
            repro: report.repro, reportDirectory: reportDirectory, seconds: report.timing.durationMillis / 1_000
        ))
    }

    func summary(
        header: SoakSummary.Header, ending: SoakSummary.Ending, signal: Int32?, stopReason: String, elapsedNanos: UInt64
    ) -> SoakSummary {
        let seconds = Double(elapsedNanos) / 1e9
        let runs = runs
        return SoakSummary(
            toolVersion: ToolVersion.current, startedAt: header.startedAt, seedStart: header.seedStart, shard: header.shard,
            limit: header.limit, keepGoing: header.keepGoing, workers: header.workers, store: header.store,
            requireCoverage: header.requireCoverage, ending: ending, signal: signal, stopReason: stopReason,
            runs: runs, runsHeld: scenarios.reduce(0) { $0 + $1.held }, runsViolated: violated, runsWithoutVerdict: withoutVerdict,
            seedsCovered: seedPositionsStarted, firstSeed: firstSeed, lastSeed: lastSeed,
            durationSeconds: seconds, runsPerSecond: seconds > 0 ? Double(runs) / seconds : 0,
            deliveries: scenarios.reduce(0) { $0 + $1.deliveries }, throughput: throughput,
            scenarios: scenarios.map(\.tally), violations: failed, violationsOmitted: failedOmitted
        )
    }
}

extension SoakSummary {
    /// What a soak was asked to do: fixed from its start.
    public struct Header: Sendable {
        public var startedAt: String
        public var seedStart: Seed
        public var shard: SoakShard
        public var limit: SoakLimit
        public var keepGoing: Bool
        public var workers: Int
        public var store: String
        /// `--require-coverage`: a `sometimes:` condition no run reached fails the soak.
        public var requireCoverage: Bool

        public init(startedAt: String, seedStart: Seed, shard: SoakShard, limit: SoakLimit, keepGoing: Bool, workers: Int, store: String,
                    requireCoverage: Bool = false) {
            self.requireCoverage = requireCoverage
            self.startedAt = startedAt
            self.seedStart = seedStart
            self.shard = shard
            self.limit = limit
            self.keepGoing = keepGoing
            self.workers = workers
            self.store = store
        }
    }
}

/// One scenario's running totals.
private struct ScenarioAccumulator: Sendable {
    let name: String
    var runs = 0
    var held = 0
    var violated = 0
    var withoutVerdict = 0
    var deliveries = 0
    var processingSeconds = 0.0
    var endToEnd = LatencyRecorder.makeHistogram()
    var faultsFired: [String: Int] = [:]
    var heldRanges: [SoakSummary.SeedRange] = []
    /// Whether the last run of this scenario held, so the next held one may extend its range.
    var lastHeld = false
    var coverage: SoakCoverage

    init(name: String, sometimes: [SometimesCondition]) {
        self.name = name
        coverage = SoakCoverage(declared: sometimes)
    }

    mutating func record(_ outcome: RunEngine.Outcome, position: Int) {
        let report = outcome.report
        runs += 1
        deliveries += report.counts.deliveries
        processingSeconds += report.timing.processingMillis / 1_000
        endToEnd.add(outcome.endToEnd)
        faultsFired.merge(report.faults.firedByKindAndPoint, uniquingKeysWith: +)
        if let runCoverage = report.coverage { coverage.add(runCoverage) }
        switch report.status {
        case .held: held += 1
        case .violated: violated += 1
        case .storeFailed, .scenarioInvalid, .simulationBroken, .interrupted: withoutVerdict += 1
        }
        guard report.status == .held else {
            lastHeld = false
            return
        }
        let seed = report.parameters.seed
        let seconds = report.timing.durationMillis / 1_000
        if lastHeld || heldRanges.count >= SoakTally.rangeLimit, var range = heldRanges.popLast() {
            range.lastPosition = position
            range.lastSeed = seed
            range.runs += 1
            range.seconds += seconds
            heldRanges.append(range)
        } else {
            heldRanges.append(.init(firstPosition: position, lastPosition: position, firstSeed: seed, lastSeed: seed, runs: 1, seconds: seconds))
        }
        lastHeld = true
    }

    var tally: SoakSummary.ScenarioTally {
        let digest = HistogramDigest(endToEnd)
        var tally = SoakSummary.ScenarioTally(
            name: name, runs: runs, held: held, violated: violated, withoutVerdict: withoutVerdict, deliveries: deliveries,
            processingSeconds: processingSeconds, latency: LatencySummary(digest), percentiles: PercentileTable(digest),
            distribution: LatencyDistribution(digest), percentileCurve: PercentileCurve(digest), faultsFired: faultsFired,
            heldRanges: heldRanges, coverage: coverage
        )
        tally.endToEnd = endToEnd
        return tally
    }
}
