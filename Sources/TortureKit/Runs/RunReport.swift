/// Everything a run found, as a value: writers turn it into JSON, Markdown and the terminal table.
public struct RunReport: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Every invariant held.
        case held
        /// At least one invariant was violated (exit 1).
        case violated
        /// The scenario's SQL was refused by the store (exit 2).
        case scenarioInvalid = "scenario-invalid"
        /// The store or the machine failed; no verdict on the protocol (exit 3).
        case storeFailed = "store-failed"
        /// The simulation could not vouch for its own determinism (foreign work, deadlock): exit 3.
        case simulationBroken = "simulation-broken"
        /// SIGINT or SIGTERM ended the run: what ran is reported, with no verdict (exit 128 + the
        /// signal, which the CLI knows; 130 here).
        case interrupted

        public var exitCode: Int32 {
            switch self {
            case .held: 0
            case .violated: 1
            case .scenarioInvalid: 2
            case .storeFailed, .simulationBroken: 3
            case .interrupted: 130
            }
        }
    }

    public struct ScenarioInfo: Sendable, Codable {
        public var name: String
        public var file: String
        public var contentHash: String
        public var seedSystem: String?
    }

    public struct Timing: Sendable, Codable {
        public var startedAt: String
        public var durationMillis: Double
        /// From the first delivery handed out to the last one finished.
        public var processingMillis: Double
        public var deliveriesPerSecond: Double
    }

    public struct Latency: Sendable, Codable {
        public var endToEnd: LatencySummary
        public var steps: [StepLatency]
    }

    public struct StepLatency: Sendable, Codable {
        public var step: String
        public var summary: LatencySummary
    }

    public struct Faults: Sendable, Codable {
        public var planHash: String
        public var firedTotal: Int
        /// "delay@after-read" → count.
        public var firedByKindAndPoint: [String: Int]
        /// The first `Faults.firedLimit` in time order; the rest are counted above.
        public var fired: [FiredFault]

        public static let firedLimit = FiredFaultTally.keptLimit
    }

    /// The shape of this file (docs/report-format.md): raised whenever a field changes meaning or
    /// goes away. 1 is every report written before the field existed.
    public var schemaVersion = RunReport.currentSchemaVersion
    public var toolVersion: String
    public var scenario: ScenarioInfo
    public var parameters: RunConfiguration
    public var store: String
    public var status: Status
    /// Why a run ended without a verdict (store failed, scenario SQL refused).
    public var failureReason: String?
    public var verdicts: [Verdict]
    public var latency: Latency
    public var counts: DeliveryCounts
    /// Jepsen's queue counts; nil when the run ended before processing.
    public var queue: QueueCounts?
    public var delivery: DeliveryPolicy
    /// Processors that ran: `--workers`, capped by the scenario.
    public var processors: Int
    public var latencyBudgetMillis: Int?
    public var historyEvents: Int
    public var faults: Faults
    public var timing: Timing
    /// The line that repeats the run, in the words of the command that started it: filled in by
    /// the caller (the CLI), empty from the engine, which does not know the command line.
    public var repro: String
    /// Hash of the whole history: equal for two runs exactly when they did the same things in the
    /// same order (the simulation's promise for one seed).
    public var historyHash: String
    public var simulation: Simulation?

    /// What the deterministic scheduler did, for a simulated run.
    public struct Simulation: Sendable, Codable, Equatable {
        public var jobsRun: Int
        public var timersFired: Int
        public var foreignEnqueues: Int
        public var deadlocked: Bool
        public var virtualMillis: Double
        /// A server's statements that had to wait on another session's lock and were parked.
        public var lockWaits: Int?

        init(_ statistics: SimulationScheduler.Statistics) {
            jobsRun = statistics.jobsRun
            timersFired = statistics.timersFired
            foreignEnqueues = statistics.foreignEnqueues
            deadlocked = statistics.deadlocked
            virtualMillis = Double(statistics.virtualNanos) / 1e6
        }
    }
    /// The run's space in a shared store, when it was not dropped: what it is and how to remove it.
    public var keptRunSpace: RunSpace?
    /// What each instance of the scenario's actors did; nil when it has none.
    public var actors: [ActorSummary]?
    /// The handler process, when the scenario's handler is a program: its command and hash,
    /// cold starts, protocol failures, and where its stderr is.
    public var handler: HandlerSummary? = nil
    /// What the run explored: counters and the scenario's `sometimes:` conditions; nil when the run
    /// ended before its history was read (and in reports written before coverage existed).
    public var coverage: RunCoverage? = nil

    public var violatedVerdicts: [Verdict] { verdicts.filter { !$0.held } }
}

extension RunReport {
    /// 2 added `schemaVersion` and the p75 / p95 / p99.99 latencies.
    public static let currentSchemaVersion = 2
}

public enum ToolVersion {
    public static let current = "0.1.0"
}

/// Reading a report.json back (replay, shrink): a report older than `schemaVersion` has no such
/// key and is version 1; everything else is read as written.
extension RunReport {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        toolVersion = try container.decode(String.self, forKey: .toolVersion)
        scenario = try container.decode(ScenarioInfo.self, forKey: .scenario)
        parameters = try container.decode(RunConfiguration.self, forKey: .parameters)
        store = try container.decode(String.self, forKey: .store)
        status = try container.decode(Status.self, forKey: .status)
        failureReason = try container.decodeIfPresent(String.self, forKey: .failureReason)
        verdicts = try container.decode([Verdict].self, forKey: .verdicts)
        latency = try container.decode(Latency.self, forKey: .latency)
        counts = try container.decode(DeliveryCounts.self, forKey: .counts)
        queue = try container.decodeIfPresent(QueueCounts.self, forKey: .queue)
        delivery = try container.decode(DeliveryPolicy.self, forKey: .delivery)
        processors = try container.decode(Int.self, forKey: .processors)
        latencyBudgetMillis = try container.decodeIfPresent(Int.self, forKey: .latencyBudgetMillis)
        historyEvents = try container.decode(Int.self, forKey: .historyEvents)
        faults = try container.decode(Faults.self, forKey: .faults)
        timing = try container.decode(Timing.self, forKey: .timing)
        repro = try container.decode(String.self, forKey: .repro)
        historyHash = try container.decode(String.self, forKey: .historyHash)
        simulation = try container.decodeIfPresent(Simulation.self, forKey: .simulation)
        keptRunSpace = try container.decodeIfPresent(RunSpace.self, forKey: .keptRunSpace)
        actors = try container.decodeIfPresent([ActorSummary].self, forKey: .actors)
        handler = try container.decodeIfPresent(HandlerSummary.self, forKey: .handler)
        coverage = try container.decodeIfPresent(RunCoverage.self, forKey: .coverage)
    }
}
