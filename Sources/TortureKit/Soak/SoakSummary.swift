public import Histogram

/// What a soak found, as a value: the soak's writers turn it into `summary.json`, `summary.md`,
/// `index.html` and JUnit XML, and the CLI into its last lines.
public struct SoakSummary: Sendable, Codable {
    public enum Ending: String, Sendable, Codable {
        /// `--runs` were all run.
        case runsDone = "runs-done"
        case durationElapsed = "duration-elapsed"
        /// Stopped at the first violation (no `--keep-going`).
        case violation
        /// A store failed: the machine, not the protocol; later runs would fail the same way.
        case storeFailed = "store-failed"
        /// A scenario's SQL was refused by the store.
        case scenarioInvalid = "scenario-invalid"
        /// SIGINT or SIGTERM.
        case interrupted
    }

    /// The shape of summary.json (docs/report-format.md), raised whenever a field changes meaning or goes away.
    public var schemaVersion = SoakSummary.currentSchemaVersion
    public static let currentSchemaVersion = 1
    public var toolVersion: String
    public var startedAt: String
    public var seedStart: Seed
    public var shard: SoakShard
    public var limit: SoakLimit
    public var keepGoing: Bool
    public var workers: Int
    /// `--store` as the repro lines pass it.
    public var store: String
    /// `--require-coverage`: a `sometimes:` condition no run reached makes the exit code 1.
    public var requireCoverage: Bool
    public var ending: Ending
    /// The signal that interrupted the soak.
    public var signal: Int32?
    /// Why the soak stopped, in words.
    public var stopReason: String

    public var runs: Int
    public var runsHeld: Int
    public var runsViolated: Int
    public var runsWithoutVerdict: Int
    /// Distinct seeds at least one run used; seeds are positions 0 ..< seedsCovered of the shard.
    public var seedsCovered: Int
    public var firstSeed: Seed?
    public var lastSeed: Seed?
    public var durationSeconds: Double
    public var runsPerSecond: Double
    public var deliveries: Int
    /// Deliveries finished over soak time.
    public var throughput: ThroughputSeries

    public var scenarios: [ScenarioTally]
    /// The first `SoakSummary.violationLimit` runs that did not hold; `violationsOmitted` counts the rest.
    public var violations: [FailedRun]
    public var violationsOmitted: Int

    public static let violationLimit = 1_000

    public var exitCode: Int32 {
        if ending == .interrupted, let signal { return 128 + signal }
        if runsViolated > 0 { return 1 }
        if ending == .scenarioInvalid { return 2 }
        if ending == .storeFailed || runsWithoutVerdict > 0 { return 3 }
        // Last: with no verdict against the protocol, what was left unexplored is what fails.
        if requireCoverage, !neverReached.isEmpty { return 1 }
        return 0
    }

    /// Each scenario's `sometimes:` conditions that no run reached, in scenario order.
    public var neverReached: [(scenario: String, condition: SoakCoverage.SometimesTotal)] {
        scenarios.flatMap { tally in (tally.coverage?.neverReached ?? []).map { (tally.name, $0) } }
    }

    /// One scenario's part of the soak.
    public struct ScenarioTally: Sendable, Codable {
        public var name: String
        public var runs: Int
        public var held: Int
        public var violated: Int
        public var withoutVerdict: Int
        public var deliveries: Int
        public var processingSeconds: Double
        /// End-to-end latency over every run, merged.
        public var latency: LatencySummary
        public var percentiles: PercentileTable
        public var distribution: LatencyDistribution
        /// The merged histogram as HdrHistogram's percentile plot reads it.
        public var percentileCurve: PercentileCurve
        /// "delay@after-read" → count, over every run.
        public var faultsFired: [String: Int]
        /// Runs that held, as ranges of seed positions; a failure ends a range.
        public var heldRanges: [SeedRange]
        /// Coverage summed over the runs; nil in a summary written before it existed.
        public var coverage: SoakCoverage?
        /// The merged end-to-end histogram (a copy-on-write value, so publishing the summary after
        /// every run costs nothing): written as `latency-<scenario>.hgrm`, not into summary.json.
        public var endToEnd: Histogram<UInt64>?

        /// `endToEnd` in HdrHistogram's percentile format, in microseconds as a run's latency.hgrm.
        public var latencyHgrm: String {
            guard let endToEnd, endToEnd.totalCount > 0 else { return "" }
            return HgrmText.render(HistogramDigest(endToEnd), valueUnitScalingRatio: 1_000)
        }

        enum CodingKeys: String, CodingKey {
            case name, runs, held, violated, withoutVerdict, deliveries, processingSeconds, latency, percentiles, distribution
            case percentileCurve, faultsFired, heldRanges, coverage
        }
    }

    /// Consecutive seed positions whose runs of one scenario all held.
    public struct SeedRange: Sendable, Codable, Equatable {
        public var firstPosition: Int
        public var lastPosition: Int
        public var firstSeed: Seed
        public var lastSeed: Seed
        public var runs: Int
        public var seconds: Double
    }

    /// A run that did not hold: its verdicts in brief and the line that repeats it.
    public struct FailedRun: Sendable, Codable {
        public var scenario: String
        public var seed: Seed
        public var position: Int
        public var status: RunReport.Status
        public var failureReason: String?
        public var invariants: [BrokenInvariant]
        public var repro: String
        /// Where its report was written, if it could be.
        public var reportDirectory: String?
        public var seconds: Double
    }

    public struct BrokenInvariant: Sendable, Codable {
        public var invariant: String
        public var witnessCount: Int
        /// The first `BrokenInvariant.witnessLimit`, in words.
        public var witnesses: [String]

        public static let witnessLimit = 10
    }
}
