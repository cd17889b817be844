import Testing
@testable import TortureKit

@Suite struct ExactlyOneClaimCheckerTests {
    /// The checker reads only the history; the store connection is never used.
    func verdict(_ events: [HistoryEvent], messages: Int) throws -> Verdict {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let history = History(merging: [events])
        return try ExactlyOneClaimChecker().check(CheckInput(history: history, messages: messages, dialect: .sqlite, store: connection))
    }

    @Test func holdsWhenEachMessageHasOneSuccessfulClaim() throws {
        let verdict = try verdict([
            .claim(.invoke, worker: 1, message: 0, attempt: 1, at: 1),
            .claim(.invoke, worker: 2, message: 0, attempt: 2, at: 2),
            .claim(.ok, worker: 1, message: 0, attempt: 1, at: 3),
            .claim(.fail, worker: 2, message: 0, attempt: 2, at: 4),
            .claim(.ok, worker: 2, message: 1, attempt: 1, at: 5),
        ], messages: 2)
        #expect(verdict.held)
        #expect(verdict.witnessCount == 0)
    }

    @Test func catchesTwoProcessorsClaimingOneMessage() throws {
        let verdict = try verdict([
            .claim(.ok, worker: 12, message: 417, attempt: 1, at: 1),
            .claim(.ok, worker: 51, message: 417, attempt: 2, at: 2),
        ] + (0..<1_000).filter { $0 != 417 }.map { .claim(.ok, worker: 0, message: $0, attempt: 1, at: 10 + UInt64($0)) }, messages: 1_000)
        #expect(!verdict.held)
        #expect(verdict.witnessCount == 1)
        let witness = try #require(verdict.witnesses.first)
        #expect(witness.message == "m-00417")
        #expect(witness.workers == ["w-12", "w-51"])
        #expect(witness.text == "message m-00417 claimed by w-12 and w-51")
        #expect(witness.events == [0, 1])
    }

    @Test func catchesAMessageNobodyClaimed() throws {
        let verdict = try verdict([.claim(.ok, worker: 3, message: 0, attempt: 1, at: 1)], messages: 2)
        #expect(!verdict.held)
        #expect(verdict.witnesses.map(\.text) == ["message m-00001 was never claimed"])
    }

    /// Every receive failed and the message is in the DLQ, as the protocol promises: found by a
    /// swarm run of fanout with error@after-claim scaled ×4 (seed 0xdf0e7c936a57385e on SQLite).
    @Test func aMessageDeadLetteredWithoutAClaimIsNotAWitnessButOneNeverDeadLetteredIs() throws {
        let deadLetter = HistoryEvent(timeNanos: 5, worker: 2, delivery: Delivery(message: 1, attempt: 3), kind: .ok,
                                      subject: HistoryEvent.Subject.deadLetter)
        let verdict = try verdict([.claim(.ok, worker: 3, message: 0, attempt: 1, at: 1), deadLetter], messages: 3)
        #expect(verdict.witnesses.map(\.text) == ["message m-00002 was never claimed"])
    }

    @Test func aClaimWhoseTransactionRolledBackDoesNotCount() throws {
        let rollback = HistoryEvent(timeNanos: 3, worker: 2, delivery: Delivery(message: 0, attempt: 2), kind: .ok, subject: HistoryEvent.Subject.rollback)
        let verdict = try verdict([
            .claim(.ok, worker: 1, message: 0, attempt: 1, at: 1),
            .claim(.ok, worker: 2, message: 0, attempt: 2, at: 2),
            rollback,
        ], messages: 1)
        #expect(verdict.held)
    }

    @Test func witnessesAreCappedButCounted() throws {
        let events = (0..<500).flatMap { message in
            [HistoryEvent.claim(.ok, worker: 1, message: message, attempt: 1, at: 1),
             HistoryEvent.claim(.ok, worker: 2, message: message, attempt: 2, at: 2)]
        }
        let verdict = try verdict(events, messages: 500)
        #expect(verdict.witnessCount == 500)
        #expect(verdict.witnesses.count == Verdict.witnessLimit)
    }
}

@Suite struct StoreCheckerTests {
    /// A real SQLite store holding a submissions table as a run would leave it.
    func store(rows: [(String, String)]) throws -> (TemporaryDirectory, any StoreConnection) {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        try connection.executeScript("CREATE TABLE submissions (message_id TEXT NOT NULL, worker TEXT NOT NULL);")
        let insert = try SQLTemplate("INSERT INTO submissions (message_id, worker) VALUES (:message, :worker)")
        for (message, worker) in rows {
            _ = try connection.execute(insert, StatementParameters(message: message, worker: worker, attempt: 1, seed: Seed(0)))
        }
        return (directory, connection)
    }

    func submit(worker: Int, message: Int, at time: UInt64) -> HistoryEvent {
        HistoryEvent(timeNanos: time, worker: worker, delivery: Delivery(message: message, attempt: 1), kind: .ok, subject: "submit", role: .submit)
    }

    @Test func noDuplicateSubmissionsHoldsOnOneRowPerMessage() throws {
        let (directory, connection) = try store(rows: [("m-00000", "w-01"), ("m-00001", "w-02")])
        defer { connection.close(); _ = directory }
        let input = CheckInput(history: History.empty, messages: 2, dialect: .sqlite, store: connection)
        let verdict = try NoDuplicateSubmissionsChecker(table: "submissions", key: "message_id").check(input)
        #expect(verdict.held)
    }

    @Test func noDuplicateSubmissionsCatchesASecondRowAndNamesTheWorkers() throws {
        let (directory, connection) = try store(rows: [("m-00000", "w-01"), ("m-00001", "w-02"), ("m-00001", "w-07")])
        defer { connection.close(); _ = directory }
        let history = History(merging: [[submit(worker: 2, message: 1, at: 1), submit(worker: 7, message: 1, at: 2)]])
        let input = CheckInput(history: history, messages: 2, dialect: .sqlite, store: connection)
        let verdict = try NoDuplicateSubmissionsChecker(table: "submissions", key: "message_id").check(input)
        #expect(!verdict.held)
        #expect(verdict.witnesses.map(\.text) == ["message m-00001 submitted 2 times (by w-02 and w-07)"])
    }

    @Test func sqlInvariantTurnsEveryRowIntoAWitness() throws {
        let (directory, connection) = try store(rows: [("m-00000", "w-01"), ("m-00003", "w-02")])
        defer { connection.close(); _ = directory }
        let input = CheckInput(history: History.empty, messages: 4, dialect: .sqlite, store: connection)
        let violated = try SQLChecker(name: "none", query: SQLTemplate("SELECT message_id, worker FROM submissions ORDER BY message_id")).check(input)
        #expect(violated.invariant == "sql:none")
        #expect(violated.witnesses.map(\.text) == ["row (message_id = m-00000, worker = w-01)", "row (message_id = m-00003, worker = w-02)"])
        #expect(violated.witnesses.map(\.message) == ["m-00000", "m-00003"])
        let counted = try SQLChecker(name: "twice", query: SQLTemplate("SELECT message_id, COUNT(*) AS copies FROM submissions GROUP BY message_id")).check(input)
        #expect(counted.witnesses.first?.text == "row (message_id = m-00000, copies = 1)")
        let held = try SQLChecker(name: "none", query: SQLTemplate("SELECT 1 FROM submissions WHERE worker = 'w-99'")).check(input)
        #expect(held.held)
    }
}
