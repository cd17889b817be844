import Testing
@testable import TortureKit

/// One handler delivery driven through the lifecycle against a real SQLite store, with chosen
/// faults at chosen points: what the engine's own runs are made of, one delivery at a time.
@Suite struct EmbeddedDeliveryTests {
    /// Claims `jobs` row 0 in a transaction; skips when someone else has it.
    struct Claim: DeliveryHandler {
        let steps = [HandlerStep("claim", role: .claim), HandlerStep("note", role: .write)]
        var isolation: IsolationLevel? { .serializable }
        let claim = try! SQLTemplate("UPDATE jobs SET owner = :worker WHERE id = 0 AND owner IS NULL")
        let note = try! SQLTemplate("INSERT INTO notes (message) VALUES (:message)")

        func handle(_ delivery: DeliveryContext) async throws -> DeliveryDecision {
            guard try await delivery.run("claim", claim).held else { return .skip }
            try await delivery.run("note", note)
            return .done
        }
    }

    private func store() throws -> (SQLiteStore, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let connection = try store.connect()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE jobs (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO jobs (id) VALUES (0); "
            + "CREATE TABLE notes (message TEXT NOT NULL)")
        return (store, directory)
    }

    private func rows(_ sql: String, in store: SQLiteStore) throws -> [[SQLValue]] {
        let connection = try store.connect()
        defer { connection.close() }
        return try connection.execute(try SQLTemplate(sql), .forChecks).rows
    }

    @Test func aDeliveryWithoutFaultsLandsAndIsAcknowledgedDone() async throws {
        let (store, directory) = try store()
        _ = directory
        let result = await EmbeddedDelivery(Claim(), store: store).run()
        #expect(result.outcome == .acknowledged(.done))
        #expect(result.processed)
        #expect(result.history.map(\.subject) == ["delivery", "claim", "claim", "note", "note", "commit", "commit", "processed", "delivery"])
        #expect(result.history.last?.fact == .acknowledged(.done))
        #expect(try rows("SELECT owner FROM jobs", in: store) == [[.text("w-00")]])
    }

    @Test func aCrashAfterTheClaimRollsItBackAndAbandonsTheDelivery() async throws {
        let (store, directory) = try store()
        _ = directory
        var embedded = EmbeddedDelivery(Claim(), store: store)
        embedded.faults[.afterClaim] = [.crash(restartMillis: 5)]
        let result = await embedded.run()
        #expect(result.outcome == .abandoned)
        #expect(!result.processed)
        #expect(result.events(HistoryEvent.Subject.fault).map(\.fact) == [.fault(.crash, .afterClaim)])
        #expect(result.counts.crashed == 1)
        #expect(try rows("SELECT owner FROM jobs", in: store) == [[.null]], "the server rolled the claim back")
        #expect(try rows("SELECT COUNT(*) FROM notes", in: store) == [[.integer(0)]])
    }

    @Test func anErrorBeforeCommitIsNackedAndASwallowedOneAcknowledged() async throws {
        let (store, directory) = try store()
        _ = directory
        var embedded = EmbeddedDelivery(Claim(), store: store)
        embedded.faults[.beforeCommit] = [.error]
        #expect(await embedded.run().outcome == .nacked("injected error"))
        embedded.onError = .ack
        let swallowed = await embedded.run()
        #expect(swallowed.outcome == .swallowed("injected error"))
        #expect(swallowed.history.last?.fact == .acknowledged(.swallowed))
        #expect(try rows("SELECT owner FROM jobs", in: store) == [[.null]])
    }

    @Test func aSecondDeliveryOfAClaimedJobIsAcknowledgedAsASkip() async throws {
        let (store, directory) = try store()
        _ = directory
        #expect(await EmbeddedDelivery(Claim(), store: store).run().outcome == .acknowledged(.done))
        var again = EmbeddedDelivery(Claim(), store: store)
        again.copy = 2
        let result = await again.run()
        #expect(result.outcome == .acknowledged(.skip))
        #expect(result.history.last?.fact?.isSkip == true)
        #expect(result.history.first?.copy == 2)
    }

    @Test func aStallPastTheLeaseHasItsAckRefused() async throws {
        let (store, directory) = try store()
        _ = directory
        var embedded = EmbeddedDelivery(Claim(), store: store)
        embedded.visibilityTimeoutMillis = 100
        embedded.faults[.beforeAck] = [.stall(millis: 500)]
        let clock = ManualClock()
        embedded.clock = clock
        let result = await embedded.run()
        // A stall does not end the delivery, and the manual clock moved by exactly its length.
        #expect(clock.nowNanos() == 500_000_000)
        #expect(result.processed)
        #expect(result.outcome == .acknowledged(.done), "nobody took the lease over, so the ack of the late holder still lands")
        #expect(result.events(HistoryEvent.Subject.fault).first?.fact == .fault(.stall, .beforeAck))
    }

    @Test func aStoreErrorIsRecordedWithItsKind() async throws {
        let (store, directory) = try store()
        _ = directory
        var embedded = EmbeddedDelivery(Claim(), store: store)
        embedded.faults[.beforeClaim] = [.storeError(.busy)]
        let result = await embedded.run()
        #expect(result.outcome == .nacked("injected store error: busy"))
        #expect(result.counts.storeErrors == [.busy: 1])
    }
}
