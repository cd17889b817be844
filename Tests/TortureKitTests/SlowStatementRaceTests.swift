import Testing
@testable import TortureKit

/// A race only slowness exposes: a processor checks, then inserts, with no UNIQUE guard, and
/// nothing delivers a message twice — except the broker, when a delivery outlives its 10 ms
/// visibility timeout. Without simulated latency a store call takes no virtual time, so no
/// lease ever runs out and the bug cannot show; with it, a slow statement now and then does.
@Suite struct SlowStatementRaceTests {
    func scenario(latency: SimulatedLatency?) throws -> Scenario {
        let check = try SQLTemplate("SELECT id FROM submissions WHERE message_id = :message")
        let insert = try SQLTemplate("INSERT INTO submissions (message_id, worker) VALUES (:message, :worker)")
        return Scenario(
            name: "slow-statement-race", summary: "check-then-insert, safe only while nothing is slow",
            workload: Workload(messages: 150, deliveriesPerMessage: 1, concurrentDeliveries: 1),
            delivery: DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 10, maxReceiveCount: 5, retryDelayMillis: 1, subscribers: 1),
            tables: ScenarioTables(schema: [.sqlite: "CREATE TABLE submissions (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, worker TEXT NOT NULL);"]),
            handler: StepMachine(steps: [
                ProtocolStep(name: "check", role: .read, sql: [.sqlite: check], success: .noRow, onSuccess: .next, onFailure: .skip),
                ProtocolStep(name: "submit", role: .submit, sql: [.sqlite: insert], success: .rowsAffected, onSuccess: .done, onFailure: .fail),
            ], isolation: nil),
            invariants: [.noDuplicateSubmissions(table: "submissions", key: "message_id")],
            simulatedLatency: latency
        )
    }

    func run(latency: SimulatedLatency?, seed: UInt64) async throws -> RunReport {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: "slow-statement-race", workers: 8, messages: 150, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .simulation
        )
        return await RunEngine(scenario: try scenario(latency: latency), configuration: configuration, store: store).run(startedAt: "t").report
    }

    @Test func withoutSimulatedLatencyTheRaceNeverShows() async throws {
        for seed: UInt64 in 1...20 {
            let report = try await run(latency: SimulatedLatency.none, seed: seed)
            #expect(report.status == .held, "seed \(seed): \(report.verdicts)")
        }
    }

    @Test func slowStatementsExposeItWithin20SeedsAndTheSeedReplays() async throws {
        var caught: (seed: UInt64, report: RunReport)?
        for seed: UInt64 in 1...20 where caught == nil {
            let report = try await run(latency: nil, seed: seed)
            #expect(report.status == .held || report.status == .violated, "\(report.failureReason ?? "")")
            if report.status == .violated { caught = (seed, report) }
        }
        let (seed, report) = try #require(caught, "no seed of 20 exposed the race")
        #expect(report.violatedVerdicts.map(\.invariant) == ["no-duplicate-submissions"])
        let again = try await run(latency: nil, seed: seed)
        #expect(again.historyHash == report.historyHash)
        #expect(again.violatedVerdicts.map(\.witnesses) == report.violatedVerdicts.map(\.witnesses))
    }

    @Test func theSameSeedGivesTheSameDurations() {
        let latency = SimulatedLatency.defaults(for: .postgres)
        let first = (1...1_000).map { latency.nanos(latency.storeCall, seed: Seed(5), salt: SimulatedLatency.storeCallSalt, worker: 3, call: $0) }
        let again = (1...1_000).map { latency.nanos(latency.storeCall, seed: Seed(5), salt: SimulatedLatency.storeCallSalt, worker: 3, call: $0) }
        let other = (1...1_000).map { latency.nanos(latency.storeCall, seed: Seed(6), salt: SimulatedLatency.storeCallSalt, worker: 3, call: $0) }
        #expect(first == again)
        #expect(first != other)
        // Most calls are fast; a few are slow enough to outlive a short lease.
        #expect(first.filter { $0 < 300_000 }.count > 900)
        #expect(first.contains { $0 > 3_000_000 })
    }
}
