import Testing
@testable import TortureKit

/// Coverage from real runs: what the counters say agrees with what the processors counted, and
/// `sometimes:` conditions are told without changing a run's verdict.
@Suite struct CoverageRunTests {
    @Test func aRunsCountersAgreeWithTheProcessorsOwnCounts() async throws {
        let directory = TemporaryDirectory()
        let report = try await Outcomes.run("dlq-redrive", seed: 7, messages: 80, workers: 8, in: directory).report
        let counters = try #require(report.coverage).counters
        let faults = counters.filter { $0.key.hasPrefix(CoverageCounter.faultPrefix) && $0.value > 0 }
        #expect(faults == Dictionary(uniqueKeysWithValues: report.faults.firedByKindAndPoint.map { ("fault:" + $0.key, $0.value) }))
        #expect(counters["dead-letter"] == report.counts.deadLettered)
        #expect(counters["ack-refused"] == report.counts.staleAcks)
        #expect(counters["step:check held"]! + counters["step:check failed"]! <= report.counts.deliveries)
        #expect(counters["action:skip"] == counters["step:check failed"]! + counters["step:submit failed"]!)
        #expect(counters["redelivery"]! > 0 && counters["lease-expired"]! > 0, "dlq-redrive crashes and retries")
        #expect(counters["takeover"]! <= counters["lease-expired"]!)
    }

    static let withSometimes = """
        name: sometimes-tiny
        description: one claim per message, and conditions some run must reach
        workload: { messages: 6, deliveries-per-message: 1, concurrent-deliveries: 1 }
        protocol:
          schema: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);
          publish: INSERT INTO m (id) VALUES (:message)
          steps:
            - name: claim
              role: claim
              sql: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL
              success: rows-affected
              on-success: done
        invariants:
          - exactly-one-claim
        sometimes:
          - name: some-claimed
            sql: SELECT id FROM m WHERE by IS NOT NULL
          - name: never-true
            sql: SELECT 1 WHERE 1 = 0
          - name: redelivered
            history: redelivered
        """

    static func run(_ text: String, in directory: TemporaryDirectory) async throws -> RunReport {
        let scenario = try ScenarioLoader.parse(text, file: "sometimes-tiny.yaml")
        let configuration = RunConfiguration(scenario: scenario.name, workers: 2, messages: 6, deliveriesPerMessage: 1, concurrentDeliveries: 1,
                                             seed: Seed(3), store: "sqlite", scenariosDirectory: nil)
        return await RunEngine(scenario: scenario, configuration: configuration, store: directory.sqliteStore()).run(startedAt: "test").report
    }

    @Test func eachSometimesIsToldAndOneNeverReachedLeavesTheVerdictAlone() async throws {
        let report = try await Self.run(Self.withSometimes, in: TemporaryDirectory())
        #expect(report.status == .held, "\(report.failureReason ?? "")")
        let sometimes = try #require(report.coverage).sometimes
        #expect(sometimes == [
            SometimesOutcome(name: "some-claimed", condition: "sql", reached: true),
            SometimesOutcome(name: "never-true", condition: "sql", reached: false),
            SometimesOutcome(name: "redelivered", condition: "history: redelivered", reached: false),
        ])
    }

    @Test func aSometimesQueryOnAMissingTableIsTheScenariosMistakeWithItsLine() async throws {
        let text = Self.withSometimes.replacingOccurrences(of: "SELECT 1 WHERE 1 = 0", with: "SELECT 1 FROM nowhere")
        let report = try await Self.run(text, in: TemporaryDirectory())
        #expect(report.status == .scenarioInvalid)
        #expect(report.failureReason?.hasPrefix("sometimes-tiny.yaml:19: `sometimes` condition `never-true`") == true, "\(report.failureReason ?? "")")
    }

    @Test func aSoakSumsCountersAndListsWhatNoRunReached() throws {
        let declared = [SometimesCondition(name: "dlq", check: .history(.deadLettered)),
                        SometimesCondition(name: "row", check: .sql([.sqlite: try SQLTemplate("SELECT 1")]))]
        var soak = SoakCoverage(declared: declared)
        soak.add(RunCoverage(counters: ["dead-letter": 0, "takeover": 2],
                             sometimes: [SometimesOutcome(name: "dlq", condition: "history: dead-lettered", reached: false),
                                         SometimesOutcome(name: "row", condition: "sql", reached: nil)]))
        soak.add(RunCoverage(counters: ["dead-letter": 0, "takeover": 3],
                             sometimes: [SometimesOutcome(name: "dlq", condition: "history: dead-lettered", reached: true),
                                         SometimesOutcome(name: "row", condition: "sql", reached: false)]))
        #expect(soak.runs == 2)
        #expect(soak.counters["takeover"] == .init(total: 5, runs: 2))
        #expect(soak.counters["dead-letter"] == .init(total: 0, runs: 0))
        #expect(soak.unreachedCounters == ["dead-letter"])
        #expect(soak.sometimes[0].reachedRuns == 1 && soak.sometimes[0].evaluatedRuns == 2)
        #expect(soak.neverReached.map(\.name) == ["row"])
        #expect(soak.neverReached.first?.evaluatedRuns == 1, "a run that could not tell it does not count as evaluated")
    }
}
