import Foundation
import Testing
import TortureKit
import SeedZeroProtocols

/// A Swift handler tested one delivery at a time, from outside the module: no run, no broker to
/// set up, the faults chosen by hand at the points that matter.
@Suite struct EmbeddedSubmitTests {
    private func store(guarded: Bool) throws -> (SQLiteStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torture-embedded-\(guarded)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = SQLiteStore(path: folder + "/store.sqlite", isUserPath: true)
        let connection = try store.connect()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE submissions (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL\(guarded ? " UNIQUE" : ""), worker TEXT NOT NULL)")
        return (store, folder)
    }

    private func submissions(_ store: SQLiteStore) throws -> Int {
        let connection = try store.connect()
        defer { connection.close() }
        let rows = try connection.execute(try SQLTemplate("SELECT COUNT(*) AS n FROM submissions"), StatementParameters(message: "", worker: "", attempt: 0, seed: Seed(0))).rows
        guard case .integer(let count) = rows.first?.first else { return -1 }
        return Int(count)
    }

    @Test func aFirstDeliverySubmitsAndASecondOneIsAcknowledgedAsADuplicate() async throws {
        let (store, folder) = try store(guarded: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = await EmbeddedDelivery(IdempotentSubmit(guarded: true), store: store).run()
        #expect(first.outcome == .acknowledged(.done))
        #expect(first.events("submit").last?.kind == .ok)
        var second = EmbeddedDelivery(IdempotentSubmit(guarded: true), store: store)
        second.copy = 2
        let duplicate = await second.run()
        #expect(duplicate.outcome == .acknowledged(.skip))
        #expect(duplicate.events("submit").isEmpty, "the check found the first submission")
        #expect(try submissions(store) == 1)
    }

    @Test func aCrashAfterTheSubmitLeavesTheRowBehindWithoutAnAck() async throws {
        // No transaction: the insert autocommits, so a crash after it cannot take it back.
        let (store, folder) = try store(guarded: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var embedded = EmbeddedDelivery(IdempotentSubmit(guarded: true), store: store)
        embedded.faults[.afterClaim] = [.crash(restartMillis: 10)]
        let result = await embedded.run()
        #expect(result.outcome == .abandoned)
        #expect(!result.processed)
        #expect(result.events(HistoryEvent.Subject.fault).first?.fact == .fault(.crash, .afterClaim))
        #expect(try submissions(store) == 1)
    }

    @Test func anInjectedErrorBeforeTheAckIsNacked() async throws {
        let (store, folder) = try store(guarded: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var embedded = EmbeddedDelivery(IdempotentSubmit(guarded: false), store: store)
        embedded.faults[.beforeAck] = [.error]
        let result = await embedded.run()
        #expect(result.outcome == .nacked("injected error"))
        #expect(result.processed, "the work landed before the error: a redelivery will submit again")
    }
}
