import Testing
@testable import TortureKit

/// Swarm testing's draw: a pure function of the seed that reaches every latency profile, small
/// message counts and switched-off rules; its spelling reads back; its scaling and undoing do
/// what they say.
@Suite struct SwarmChoicesTests {
    let rules = ["crash@before-ack", "delay@after-read", "error@after-claim"]

    @Test func theDrawIsTheSeedsAndCoversTheSpace() {
        #expect(SwarmChoices.draw(seed: Seed(9), ruleNames: rules, scenarioMessages: 500)
            == SwarmChoices.draw(seed: Seed(9), ruleNames: rules, scenarioMessages: 500))
        let draws = (1...200).map { SwarmChoices.draw(seed: Seed(UInt64($0)), ruleNames: rules, scenarioMessages: 500) }
        #expect(Set(draws.map(\.choices.latency)) == [.none, .mild, .heavyTailed, .slowWorker])
        #expect(draws.contains { $0.messages <= 10 } && draws.contains { $0.messages == 500 })
        #expect(draws.contains { $0.choices.faultScales["crash@before-ack"] == 0 })
        #expect(draws.contains { $0.choices.faultScales["crash@before-ack"] == 4 })
        #expect(draws.contains { $0.arrival == .allAtOnce } && draws.contains { if case .poisson = $0.arrival { true } else { false } })
        #expect(Set(draws.map(\.workers)).count >= 5)
        #expect(draws.allSatisfy { $0.choices.latency != .slowWorker || $0.choices.slowWorker < $0.workers })
    }

    @Test func theSpellingReadsBackAndAWrongOneSaysWhatWasExpected() throws {
        let choices = SwarmChoices(latency: .slowWorker, slowWorker: 3, faultScales: ["crash@before-ack": 4, "delay@after-read": 0])
        #expect(choices.description == "latency=slow-worker:3,crash@before-ack=4,delay@after-read=0")
        #expect(try SwarmChoices(parsing: choices.description) == choices)
        #expect(try SwarmChoices(parsing: "latency=heavy-tailed,error@after-claim=0.25").faultScales == ["error@after-claim": 0.25])
        for wrong in ["latency=fast", "latency=slow-worker", "crash=4", "crash@before-ack=-1", "latency"] {
            #expect(throws: SwarmChoicesError.self, "\(wrong)") { try SwarmChoices(parsing: wrong) }
        }
    }

    @Test func scalingSwitchesOffOrScalesUpToOneAndUndoingGivesEachBack() {
        var profile = FaultProfile()
        profile[.crash, .beforeAck] = FaultRule(probability: 0.4, minMillis: 1, maxMillis: 2)
        profile[.delay, .afterRead] = FaultRule(probability: 0.1, minMillis: 1, maxMillis: 2)
        let choices = SwarmChoices(latency: .heavyTailed, faultScales: ["crash@before-ack": 4, "delay@after-read": 0])
        let scaled = choices.scaled(profile)
        #expect(scaled[.crash, .beforeAck]?.probability == 0.5, "scaled up, a fault is a chance, not a certainty")
        var certain = FaultProfile()
        certain[.delay, .afterClaim] = FaultRule(probability: 1, minMillis: 1, maxMillis: 2)
        #expect(SwarmChoices(faultScales: ["delay@after-claim": 4]).scaled(certain)[.delay, .afterClaim]?.probability == 1,
                "the scenario's own certainty stays")
        #expect(SwarmChoices(faultScales: ["crash@before-ack": 0.25]).scaled(profile)[.crash, .beforeAck]?.probability == 0.1)
        #expect(scaled[.delay, .afterRead] == nil)
        #expect(choices.undoings.count == 3)
        #expect(choices.undoings.allSatisfy { $0.choices != choices })
        #expect(SwarmChoices(latency: .asDeclared).isNeutral)
    }

    @Test func theHeavyTailLeavesFivePercentOfCallsSlow() throws {
        let model = try #require(SwarmChoices(latency: .heavyTailed).latencyModel(declared: nil, dialect: .sqlite))
        #expect(model.storeCall.reduce(0) { $0 + $1.share } <= 1.000_001)
        #expect(model.storeCall.last == SimulatedLatency.Band(share: 0.05, minMicros: 5_000, maxMicros: 40_000))
        let slow = try #require(SwarmChoices(latency: .slowWorker, slowWorker: 1).latencyModel(declared: nil, dialect: .sqlite))
        let fast = SimulatedLatency.defaults(for: .sqlite)
        let calls = 1...200
        let slowSum = calls.reduce(UInt64(0)) { $0 + slow.nanos(slow.storeCall, seed: Seed(1), salt: 1, worker: 1, call: $1) }
        let fastSum = calls.reduce(UInt64(0)) { $0 + fast.nanos(fast.storeCall, seed: Seed(1), salt: 1, worker: 1, call: $1) }
        #expect(slowSum == fastSum * 20 || (Double(slowSum) / Double(fastSum) > 19.9 && Double(slowSum) / Double(fastSum) < 20.1))
        #expect(SwarmChoices(latency: .asDeclared).latencyModel(declared: nil, dialect: .sqlite) == nil)
    }

    @Test func aSwarmSoakDrawsEachSeedsOwnRunAndAPlainOneKeepsTheScenarios() throws {
        let scenario = try ScenarioLoader.parse(ScenarioLoaderTests.valid, file: "tiny.yaml")
        let configuration = RunConfiguration(scenario: "tiny", workers: 16, messages: 10, deliveriesPerMessage: 3, concurrentDeliveries: 2,
                                             seed: Seed(0), store: "sqlite", scenariosDirectory: nil)
        let swarm = SoakScenario(scenario: scenario, configuration: configuration, swarm: true)
        let runs = (1...30).map { swarm.configuration(seed: Seed(UInt64($0))) }
        #expect(runs.allSatisfy { $0.swarm != nil && $0 == $0.swarmed(for: scenario) })
        #expect(Set(runs.map(\.workers)).count > 1 && Set(runs.map(\.messages)).count > 1)
        let plain = SoakScenario(scenario: scenario, configuration: configuration).configuration(seed: Seed(3))
        #expect(plain.swarm == nil && plain.workers == 16 && plain.messages == 10)
    }
}
