import Foundation
import Testing
@testable import TortureKit

/// Values between steps: what a step returned is bound into the next, on the store, and the
/// history keeps it for the witnesses.
@Suite(.serialized) struct StepValueTests {
    /// NULL, an integer, text and a boolean go out as one step's row and come back as the next
    /// step's parameters (tests/TortureEndToEndTests does the same against PostgreSQL).
    @Test func nullIntegerTextAndBooleanSurviveTheTripOnSQLite() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        let first = try connection.execute(try SQLTemplate("SELECT NULL AS n, 41 AS i, 'x' AS t, (1 = 1) AS b"), parameters)
        #expect(first.columns == ["n", "i", "t", "b"])
        parameters.keep(first, of: "a")
        let second = try connection.execute(try SQLTemplate(
            "SELECT CAST(:a.n AS INTEGER) IS NULL AS was_null, :a.i + 1 AS next, CAST(:a.t AS TEXT) || 'y' AS text, NOT :a.b AS flipped"
        ), parameters)
        #expect(second.rows == [[.integer(1), .integer(42), .text("xy"), .integer(0)]])
    }

    @Test func theCounterRecordsWhatEachDeliveryReadAndWrote() async throws {
        let scenario = try Repository.scenario("counter")
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: "counter", workers: 8, messages: 80, deliveriesPerMessage: 2, concurrentDeliveries: 2, seed: Seed(5),
            store: store.commandLineValue, scenariosDirectory: nil)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        #expect(outcome.report.status == .held, "\(outcome.report.verdicts)")
        let reads = Array(outcome.history).filter { $0.subject == "read" && $0.kind == .ok }
        let writes = Array(outcome.history).filter { $0.subject == "write" && $0.kind == .ok }
        #expect(!reads.isEmpty && reads.allSatisfy { $0.values?.columns == ["id", "value"] })
        for write in writes {
            let read = try #require(reads.last { $0.delivery == write.delivery && $0.index < write.index })
            guard case .integer(let before) = read.values?["value"], case .integer(let after) = write.values?["value"] else {
                Issue.record("read and write keep integers: \(String(describing: read.values)) \(String(describing: write.values))")
                continue
            }
            #expect(after == before + 1, "the write bound what the read returned")
        }
    }

    @Test func stepValuesRoundTripThroughTheHistorysJSON() throws {
        let values = StepValues(columns: ["n", "i", "t", "b", "r"], values: [.null, .integer(41), .text("x"), .boolean(true), .real(1.5)])
        let event = HistoryEvent(timeNanos: 1, worker: 0, delivery: Delivery(message: 1, attempt: 1), kind: .ok, subject: "read", values: values)
        let data = try JSONEncoder().encode(event)
        #expect(String(decoding: data, as: UTF8.self).contains("\"values\":[[\"n\",null],[\"i\",41],[\"t\",\"x\"],[\"b\",true],[\"r\",1.5]]"))
        #expect(try JSONDecoder().decode(HistoryEvent.self, from: data) == event)
    }
}
