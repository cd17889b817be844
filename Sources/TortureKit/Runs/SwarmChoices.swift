/// Swarm testing (Groce et al., 2012; FoundationDB's BUGGIFY, TigerBeetle's VOPR): each seed
/// draws its own machine and its own faults instead of the scenario's one configuration — a
/// latency profile, an intensity for each fault rule — and, applied to the run's parameters, a
/// worker count, a message count (small ones included: 2–10 messages are where races that need
/// a quiet moment live) and an arrival process. All of it is a pure function of the seed and
/// the scenario's rule names. The latency profile and the intensities are what this value keeps
/// (`parameters.swarm` in a report, `--swarm-choices` on a repro line); the drawn workers,
/// messages and arrival are the run's own parameters.
public struct SwarmChoices: Sendable, Equatable, SpelledAsText {
    public enum Latency: String, Sendable, CaseIterable {
        /// The scenario's own model (`simulated-latency:`, else the store's defaults): undone.
        case asDeclared = "as-declared"
        /// No virtual time for store calls or receives.
        case none
        /// The store's default model.
        case mild
        /// The defaults with a slow tail: 5 % of store calls and receives take 5–40 ms.
        case heavyTailed = "heavy-tailed"
        /// The defaults, with one processor twenty times slower than the rest.
        case slowWorker = "slow-worker"
    }

    public var latency: Latency
    /// For `slow-worker`: which processor.
    public var slowWorker: Int
    /// Fault rules (`kind@point`) → the factor on their probability (0: switched off). A rule not
    /// named keeps its probability.
    public var faultScales: [String: Double]

    public init(latency: Latency = .asDeclared, slowWorker: Int = 0, faultScales: [String: Double] = [:]) {
        self.latency = latency
        self.slowWorker = slowWorker
        self.faultScales = faultScales
    }

    /// What a seed draws for a scenario with these fault rules.
    public struct Draw: Sendable, Equatable {
        public var choices: SwarmChoices
        public var workers: Int
        public var messages: Int
        public var arrival: ArrivalProcess
    }

    static let workerCounts = [2, 3, 4, 8, 16, 32]
    static let smallMessages = [2, 3, 4, 5, 6, 8, 10]
    /// The most a rule's probability is scaled up to, unless the scenario's own is higher.
    static let scaledUpLimit = 0.5

    public static func draw(seed: Seed, ruleNames: [String], scenarioMessages: Int) -> Draw {
        var generator = SeededGenerator(seed: Mix.combine(seed.value, 0x5A4A_4D00))
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        func percent() -> Int { pick(100) }

        let workers = workerCounts[pick(workerCounts.count)]
        let messageRoll = percent()
        let messages = messageRoll < 50 ? smallMessages[pick(smallMessages.count)]
            : messageRoll < 75 ? [20, 50][pick(2)] : scenarioMessages
        let arrivalRoll = percent()
        // Spread over two seconds at most, so a swarm run on real threads does not wait out a slow trickle.
        let floorRate = Double(messages) / 2
        let arrival: ArrivalProcess = arrivalRoll < 40 ? .allAtOnce
            : arrivalRoll < 65 ? .poisson(perSecond: max(floorRate, [20, 100, 500][pick(3)]))
            : arrivalRoll < 80 ? .rate(perSecond: max(floorRate, [50, 200][pick(2)]))
            : .bursts(size: max(messages / 40, [2, 3, 5][pick(3)]), everyMillis: [5, 20, 50][pick(3)])
        let latencyRoll = percent()
        let latency: Latency = latencyRoll < 20 ? .none : latencyRoll < 50 ? .mild : latencyRoll < 80 ? .heavyTailed : .slowWorker
        let slowWorker = pick(workers)
        var scales: [String: Double] = [:]
        for rule in ruleNames {
            let roll = percent()
            let scale = roll < 20 ? 0 : roll < 40 ? 0.25 : roll < 70 ? 1 : 4
            if scale != 1 { scales[rule] = scale }
        }
        return Draw(choices: SwarmChoices(latency: latency, slowWorker: latency == .slowWorker ? slowWorker : 0, faultScales: scales),
                    workers: workers, messages: messages, arrival: arrival)
    }

    /// The draw for a scenario: its processors' rules and its actors'. (Rules a run switches off
    /// stay off: the engine drops them before it scales the rest.)
    public static func draw(for scenario: Scenario, seed: Seed) -> Draw {
        var rules = Set(scenario.faults.ruleNames)
        for actor in scenario.actors { rules.formUnion(actor.faults.ruleNames) }
        return draw(seed: seed, ruleNames: rules.sorted(), scenarioMessages: scenario.workload.messages)
    }

    /// The latency model for a scenario that declares `declared` (nil: none) on `dialect`.
    public func latencyModel(declared: SimulatedLatency?, dialect: Dialect) -> SimulatedLatency? {
        let defaults = SimulatedLatency.defaults(for: dialect)
        switch latency {
        case .asDeclared: return declared
        case .none: return SimulatedLatency.none
        case .mild: return defaults
        case .heavyTailed:
            let tail = SimulatedLatency.Band(share: 0.05, minMicros: 5_000, maxMicros: 40_000)
            return SimulatedLatency(storeCall: Self.squeezed(defaults.storeCall, toLeave: 0.05) + [tail],
                                    receive: Self.squeezed(defaults.receive, toLeave: 0.05) + [tail])
        case .slowWorker:
            return SimulatedLatency(storeCall: defaults.storeCall, receive: defaults.receive,
                                    slowWorker: SimulatedLatency.SlowWorker(worker: slowWorker, factor: 20))
        }
    }

    /// Bands whose shares shrink in proportion so `share` is left for another.
    private static func squeezed(_ bands: [SimulatedLatency.Band], toLeave share: Double) -> [SimulatedLatency.Band] {
        let total = bands.reduce(0) { $0 + $1.share }
        guard total + share > 1 else { return bands }
        let factor = (1 - share) / total
        return bands.map { SimulatedLatency.Band(share: $0.share * factor, minMicros: $0.minMicros, maxMicros: $0.maxMicros) }
    }

    /// `profile` with each named rule's probability scaled (up to at most ½) or the rule dropped.
    public func scaled(_ profile: FaultProfile) -> FaultProfile {
        var profile = profile
        for (name, scale) in faultScales {
            let parts = name.split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]),
                  var rule = profile[kind, point] else { continue }
            if scale == 0 {
                profile[kind, point] = nil
            } else {
                // Scaled up, a fault stays a chance, not a certainty (at most ½, unless the scenario
                // itself says more): a crash at every delivery is a machine on which no protocol can
                // make progress, and its liveness verdict would say nothing of the protocol.
                rule.probability = scale > 1 ? max(rule.probability, min(Self.scaledUpLimit, rule.probability * scale))
                    : rule.probability * scale
                profile[kind, point] = rule
            }
        }
        return profile
    }

    /// Each choice undone on its own, for `shrink`: the latency back to the scenario's, each
    /// rule back to its own probability.
    public var undoings: [(what: String, choices: SwarmChoices)] {
        var undoings: [(String, SwarmChoices)] = []
        if latency != .asDeclared {
            var undone = self
            undone.latency = .asDeclared
            undone.slowWorker = 0
            undoings.append(("the scenario's own latency instead of swarm's \(latency.rawValue)", undone))
        }
        for rule in faultScales.keys.sorted() {
            var undone = self
            undone.faultScales[rule] = nil
            undoings.append(("\(rule) at its own probability instead of swarm's ×\(Formatting.plainNumber(faultScales[rule]!))", undone))
        }
        return undoings
    }

    public var isNeutral: Bool { latency == .asDeclared && faultScales.isEmpty }

    /// `latency=heavy-tailed,crash@before-ack=4,delay@after-read=0`; `slow-worker:3` names the worker.
    public var description: String {
        var words = ["latency=" + (latency == .slowWorker ? "slow-worker:\(slowWorker)" : latency.rawValue)]
        words += faultScales.keys.sorted().map { "\($0)=\(Formatting.plainNumber(faultScales[$0]!))" }
        return words.joined(separator: ",")
    }

    /// Words for a report: `latency heavy-tailed; crash@before-ack ×4, delay@after-read off`.
    public var words: String {
        let latencyWords = latency == .slowWorker ? "one slow worker (w-\(slowWorker))" : latency.rawValue
        guard !faultScales.isEmpty else { return "latency \(latencyWords)" }
        let rules = faultScales.keys.sorted().map { faultScales[$0]! == 0 ? "\($0) off" : "\($0) ×\(Formatting.plainNumber(faultScales[$0]!))" }
        return "latency \(latencyWords); " + rules.joined(separator: ", ")
    }

    public init(parsing text: String) throws(SwarmChoicesError) {
        self.init()
        for word in text.split(separator: ",").map(String.init) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw SwarmChoicesError(description: "`\(word)` in `\(text)`: expected latency=PROFILE or kind@point=FACTOR")
            }
            if parts[0] == "latency" {
                let profile = parts[1].split(separator: ":").map(String.init)
                guard let chosen = Latency(rawValue: profile[0]), (chosen == .slowWorker) == (profile.count == 2),
                      profile.count == 1 || Int(profile[1]).map({ $0 >= 0 }) == true else {
                    throw SwarmChoicesError(description: "`\(parts[1])` is not a latency profile; expected one of "
                        + Latency.allCases.map { $0 == .slowWorker ? "slow-worker:N" : $0.rawValue }.joined(separator: ", "))
                }
                latency = chosen
                slowWorker = profile.count == 2 ? Int(profile[1])! : 0
            } else {
                guard parts[0].contains("@"), let scale = Double(parts[1]), scale >= 0, scale <= 1_000 else {
                    throw SwarmChoicesError(description: "`\(word)` in `\(text)`: a fault rule's factor is kind@point=F, F from 0 (off) to 1000")
                }
                faultScales[parts[0]] = scale
            }
        }
    }

}

/// Swarm choices the command line could not read.
public struct SwarmChoicesError: Error, CustomStringConvertible {
    public var description: String
}
