import Testing
@testable import TortureKit

/// `simulated-latency:` in a scenario file: read into the model, refused with file:line when
/// wrong, and carried to the engine (the race below shows only with the file's slow band).
@Suite struct SimulatedLatencyYAMLTests {
    /// Check-then-insert with no UNIQUE guard and a 10 ms visibility timeout: safe while nothing
    /// is slow, caught when a store call outlives the lease. `LATENCY` is replaced per test.
    static let slowRace = """
        name: slow-race
        description: check-then-insert, safe only while no statement outlives the lease
        workload:
          messages: 150
          deliveries-per-message: 1
          concurrent-deliveries: 1
        delivery: { preset: sqs, visibility-timeout-millis: 10, max-receive-count: 5, retry-delay-millis: 1 }
        LATENCY
        protocol:
          schema: CREATE TABLE submissions (message_id TEXT NOT NULL, worker TEXT NOT NULL);
          steps:
            - name: check
              role: read
              sql: SELECT 1 FROM submissions WHERE message_id = :message
              success: no-row
              on-failure: skip
            - name: submit
              role: submit
              sql: INSERT INTO submissions (message_id, worker) VALUES (:message, :worker)
              success: rows-affected
              on-failure: fail
        invariants:
          - no-duplicate-submissions: { table: submissions, key: message_id }
        """

    static let slowBand = """
        simulated-latency:
          store-call:
            - { share: 0.9, min-micros: 10, max-micros: 50 }
            - { share: 0.02, min-micros: 15000, max-micros: 30000 }
          receive: none
        """

    func scenario(_ latency: String) throws -> Scenario {
        try ScenarioLoader.parse(Self.slowRace.replacingOccurrences(of: "LATENCY", with: latency), file: "slow-race.yaml")
    }

    func loadError(_ latency: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(Self.slowRace.replacingOccurrences(of: "LATENCY", with: latency), file: "slow-race.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aModelIsReadBandByBand() throws {
        let model = try #require(try scenario(Self.slowBand).simulatedLatency)
        #expect(model.storeCall == [SimulatedLatency.Band(share: 0.9, minMicros: 10, maxMicros: 50),
                                    SimulatedLatency.Band(share: 0.02, minMicros: 15_000, maxMicros: 30_000)])
        #expect(model.receive.isEmpty)
        #expect(try scenario("simulated-latency: none").simulatedLatency == SimulatedLatency.none)
        #expect(try scenario("").simulatedLatency == nil, "no key: the store's defaults, chosen at run time")
    }

    @Test func aWrongModelIsRefusedWithItsLine() throws {
        let overfull = loadError("""
            simulated-latency:
              store-call:
                - { share: 0.7, min-micros: 1, max-micros: 2 }
                - { share: 0.7, min-micros: 1, max-micros: 2 }
              receive: none
            """)
        #expect(overfull?.line == 11)
        #expect(overfull?.message.contains("add up to 1.4") == true)
        let backwards = loadError("simulated-latency: { store-call: [{ share: 0.5, min-micros: 9, max-micros: 2 }], receive: none }")
        #expect(backwards?.message.contains("`max-micros` (2.0) is below `min-micros` (9.0)") == true)
        let missing = loadError("simulated-latency: { store-call: none }")
        #expect(missing?.message.contains("needs `receive`") == true)
        #expect(missing?.line == 8)
        let word = loadError("simulated-latency: fast")
        #expect(word?.message.contains("expected `none` or a mapping") == true)
        let typo = loadError("simulated-latency: { store-calls: none, receive: none }")
        #expect(typo?.message.contains("did you mean `store-call`") == true)
    }

    func run(_ scenario: Scenario, seed: UInt64) async -> RunReport {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 8, messages: 150, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .simulation)
        return await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "t").report
    }

    @Test func theFilesSlowBandExposesTheRaceAndNoneHidesIt() async throws {
        let slow = try scenario(Self.slowBand), instant = try scenario("simulated-latency: none")
        var caught: UInt64?
        for seed: UInt64 in 1...20 where caught == nil {
            if await run(slow, seed: seed).status == .violated { caught = seed }
        }
        let seed = try #require(caught, "no seed of 20 exposed the race under the file's slow band")
        let again = await run(slow, seed: seed)
        #expect(again.violatedVerdicts.map(\.invariant) == ["no-duplicate-submissions"])
        let withoutTime = await run(instant, seed: seed)
        #expect(withoutTime.status == .held, "with `simulated-latency: none` no lease runs out: \(withoutTime.verdicts)")
    }
}
