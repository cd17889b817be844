import Testing
@testable import TortureKit

@Suite struct NoLostUpdateCheckerTests {
    let checker = NoLostUpdateChecker(read: StepColumn(step: "read", column: "value"), wrote: StepColumn(step: "write", column: "value"),
                                      key: StepColumn(step: "read", column: "id"))

    /// One read-modify-write: read `value` at `readAt`, write `wrote`, land at `landedAt`.
    func flight(_ message: Int, worker: Int, read: Int64, wrote: Int64, counter: String = "c0", readAt: UInt64, landedAt: UInt64) -> [HistoryEvent] {
        let delivery = Delivery(message: message, attempt: 1)
        return [
            HistoryEvent(timeNanos: readAt, worker: worker, delivery: delivery, kind: .ok, subject: "read", role: .read,
                         values: StepValues(columns: ["id", "value"], values: [.text(counter), .integer(read)])),
            HistoryEvent(timeNanos: readAt + 1, worker: worker, delivery: delivery, kind: .ok, subject: "write", role: .write,
                         values: StepValues(columns: ["value"], values: [.integer(wrote)])),
            HistoryEvent(timeNanos: landedAt, worker: worker, delivery: delivery, kind: .ok, subject: HistoryEvent.Subject.processed),
        ]
    }

    func verdict(_ flights: [[HistoryEvent]]) throws -> Verdict {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        return try checker.check(CheckInput(history: History(merging: flights), messages: 10, dialect: .sqlite, store: connection))
    }

    @Test func twoWritesFromOneReadingAreALostUpdateAndTheWitnessSaysWhatEachReadAndWrote() throws {
        let result = try verdict([
            flight(3, worker: 3, read: 41, wrote: 42, readAt: 10, landedAt: 40),
            flight(7, worker: 7, read: 41, wrote: 42, readAt: 20, landedAt: 50),
        ])
        #expect(!result.held)
        let witness = try #require(result.witnesses.first)
        #expect(witness.text == "id = c0: w-03 read 41 and wrote 42 (m-00003/1#1) and w-07 read 41 and wrote 42 (m-00007/1#1), each read-modify-write landed: one update is lost")
        #expect(witness.workers == ["w-03", "w-07"])
    }

    @Test func serialIncrementsAndOtherCountersHold() throws {
        #expect(try verdict([
            flight(1, worker: 1, read: 0, wrote: 1, readAt: 10, landedAt: 20),
            flight(2, worker: 2, read: 1, wrote: 2, readAt: 30, landedAt: 40),
            flight(3, worker: 3, read: 1, wrote: 2, counter: "c1", readAt: 31, landedAt: 41),
        ]).held)
    }

    /// A counter that went down and up again is read at the same value twice, but the second
    /// reading came after the first write landed: nothing was lost.
    @Test func theSameValueReadAfterTheEarlierWriteLandedIsNotBlamed() throws {
        #expect(try verdict([
            flight(1, worker: 1, read: 5, wrote: 6, readAt: 10, landedAt: 20),
            flight(2, worker: 2, read: 5, wrote: 6, readAt: 25, landedAt: 30),
        ]).held)
    }

    @Test func aDeliveryThatNeverLandedIsNotCounted() throws {
        var unlanded = flight(2, worker: 2, read: 41, wrote: 42, readAt: 20, landedAt: 0)
        unlanded.removeLast()
        #expect(try verdict([flight(1, worker: 1, read: 41, wrote: 42, readAt: 10, landedAt: 40), unlanded]).held)
    }
}
