/// Every parameter of a run: together with the scenario file they determine the fault plan and
/// the delivery schedule, and they are what the repro line repeats.
public struct RunConfiguration: Sendable, Codable, Equatable {
    public var scenario: String
    public var workers: Int
    public var messages: Int
    public var deliveriesPerMessage: Int
    public var concurrentDeliveries: Int
    public var seed: Seed
    /// `--store` as typed (passwords never included).
    public var store: String
    /// `--scenarios` folder, when the scenario was found by name.
    public var scenariosDirectory: String?
    public var scheduler: SchedulerChoice
    /// Fault rules switched off (`kind@point`), as `torture shrink` leaves them.
    public var disabledFaults: [String]
    /// On the injected clock, how long processors may work before the run is called stuck
    /// (`liveness`); nil: derived from the workload (`deadlineMillis(policy:)`).
    public var deadlineMillisOverride: Int?
    /// Memory the history may hold before processors' logs go to disk (`--memory-budget`);
    /// nil: `HistoryBudget.defaultMemoryBytes`. Changes where events are kept, never what happens.
    public var memoryBudgetBytes: Int?
    /// When messages are published (the scenario's, or `--arrival` / `--rate`).
    public var arrival: ArrivalProcess
    /// The arrival is not the scenario's own: a repro line must say it, even `all-at-once`.
    public var arrivalOverridesScenario: Bool
    /// What swarm testing drew for this seed (latency profile, fault intensities); nil: the
    /// scenario as written.
    public var swarm: SwarmChoices?

    public init(
        scenario: String, workers: Int, messages: Int, deliveriesPerMessage: Int, concurrentDeliveries: Int,
        seed: Seed, store: String, scenariosDirectory: String?, scheduler: SchedulerChoice = .threads, disabledFaults: [String] = [],
        deadlineMillisOverride: Int? = nil, memoryBudgetBytes: Int? = nil, arrival: ArrivalProcess = .allAtOnce,
        arrivalOverridesScenario: Bool = false, swarm: SwarmChoices? = nil
    ) {
        self.swarm = swarm
        self.arrival = arrival
        self.arrivalOverridesScenario = arrivalOverridesScenario
        self.memoryBudgetBytes = memoryBudgetBytes
        self.deadlineMillisOverride = deadlineMillisOverride
        self.scenario = scenario
        self.workers = workers
        self.messages = messages
        self.deliveriesPerMessage = deliveriesPerMessage
        self.concurrentDeliveries = concurrentDeliveries
        self.seed = seed
        self.store = store
        self.scenariosDirectory = scenariosDirectory
        self.scheduler = scheduler
        self.disabledFaults = disabledFaults
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try container.decode(String.self, forKey: .scenario)
        workers = try container.decode(Int.self, forKey: .workers)
        messages = try container.decode(Int.self, forKey: .messages)
        deliveriesPerMessage = try container.decode(Int.self, forKey: .deliveriesPerMessage)
        concurrentDeliveries = try container.decode(Int.self, forKey: .concurrentDeliveries)
        seed = try container.decode(Seed.self, forKey: .seed)
        store = try container.decode(String.self, forKey: .store)
        scenariosDirectory = try container.decodeIfPresent(String.self, forKey: .scenariosDirectory)
        // Reports written before these existed ran on threads with every fault on.
        scheduler = try container.decodeIfPresent(SchedulerChoice.self, forKey: .scheduler) ?? .threads
        disabledFaults = try container.decodeIfPresent([String].self, forKey: .disabledFaults) ?? []
        deadlineMillisOverride = try container.decodeIfPresent(Int.self, forKey: .deadlineMillisOverride)
        memoryBudgetBytes = try container.decodeIfPresent(Int.self, forKey: .memoryBudgetBytes)
        arrival = try container.decodeIfPresent(ArrivalProcess.self, forKey: .arrival) ?? .allAtOnce
        arrivalOverridesScenario = try container.decodeIfPresent(Bool.self, forKey: .arrivalOverridesScenario) ?? false
        swarm = try container.decodeIfPresent(SwarmChoices.self, forKey: .swarm)
    }

    /// These parameters with what swarm testing draws for their seed: its workers, messages and
    /// arrival, and its latency profile and fault intensities.
    public func swarmed(for scenario: Scenario) -> RunConfiguration {
        let draw = SwarmChoices.draw(for: scenario, seed: seed)
        var configuration = self
        configuration.workers = draw.workers
        configuration.messages = draw.messages
        configuration.arrival = draw.arrival
        configuration.arrivalOverridesScenario = true
        configuration.swarm = draw.choices
        return configuration
    }

    /// The run's deadline: ten minutes, plus ten milliseconds for every receive the workload can
    /// take, plus every visibility timeout a message can wait out, plus the time the last message
    /// takes to arrive — far above what a run that makes progress needs even on a loaded machine
    /// (real threads read real time), so only one that stops making progress reaches it.
    public func deadlineMillis(policy: DeliveryPolicy) -> Int {
        if let deadlineMillisOverride { return deadlineMillisOverride }
        let receives = messages * deliveriesPerMessage * policy.subscribers * policy.maxReceiveCount
        return 600_000 + 10 * receives + policy.visibilityTimeoutMillis * policy.maxReceiveCount
            + arrival.spanMillis(slots: messages + Int(DeliverySchedule.maximumLagSlots), seed: seed)
    }

    /// Where the run's history may grow before it spills, and where it spills.
    public var historyBudget: HistoryBudget {
        HistoryBudget(memoryBytes: memoryBudgetBytes ?? HistoryBudget.defaultMemoryBytes)
    }

    public var workload: Workload {
        Workload(messages: messages, deliveriesPerMessage: deliveriesPerMessage, concurrentDeliveries: concurrentDeliveries, arrival: arrival)
    }
}

/// Where processors run: real threads (races as the machine makes them), or the deterministic
/// simulation (one seed, one interleaving), optionally with PCT's priority scheduling.
public enum SchedulerChoice: Sendable, Codable, Equatable, CustomStringConvertible {
    case threads
    case simulation
    case pct(depth: Int)

    public var isSimulated: Bool { self != .threads }

    public var description: String {
        switch self {
        case .threads: "threads"
        case .simulation: "sim"
        case .pct(let depth): "pct(depth \(depth))"
        }
    }
}
