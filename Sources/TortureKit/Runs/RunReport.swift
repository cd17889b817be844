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

        public var exitCode: Int32 {
            switch self {
            case .held: 0
            case .violated: 1
            case .scenarioInvalid: 2
            case .storeFailed, .simulationBroken: 3
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

    public var violatedVerdicts: [Verdict] { verdicts.filter { !$0.held } }
}

public enum ToolVersion {
    public static let current = "0.1.0"
}
