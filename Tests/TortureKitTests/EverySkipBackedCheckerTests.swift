import Foundation
import Testing
@testable import TortureKit

/// Hand-made histories for `every-skip-backed`: a skip is fine when some delivery's work
/// committed, before or after it, and caught when none did — while `no-loss` passes all of them.
extension QueueCheckerTests {
    mutating func skippedReceive(message: Int = 0, copy: Int, attempt: Int = 1, worker: Int, step: String = "try-lock") {
        add(.invoke, HistoryEvent.Subject.delivery, message: message, copy: copy, attempt: attempt, worker: worker)
        add(.invoke, step, message: message, copy: copy, attempt: attempt, worker: worker, role: .claim)
        add(.ok, step, message: message, copy: copy, attempt: attempt, worker: worker, role: .claim)
        add(.ok, HistoryEvent.Subject.delivery, message: message, copy: copy, attempt: attempt, worker: worker, detail: "skip", fact: .acknowledged(.skip))
    }

    /// Takes the lock, then dies before its transaction commits: the server rolls it back.
    mutating func crashedHolder(message: Int = 0, copy: Int, attempt: Int = 1, worker: Int) {
        add(.invoke, HistoryEvent.Subject.delivery, message: message, copy: copy, attempt: attempt, worker: worker)
        add(.invoke, "try-lock", message: message, copy: copy, attempt: attempt, worker: worker, role: .claim)
        add(.ok, "try-lock", message: message, copy: copy, attempt: attempt, worker: worker, role: .claim)
        add(.info, HistoryEvent.Subject.fault, message: message, copy: copy, attempt: attempt, worker: worker,
            detail: "before-commit: crash, restart after 2 ms", fact: .fault(.crash, .beforeCommit))
        add(.info, HistoryEvent.Subject.crash, message: message, copy: copy, attempt: attempt, worker: worker, detail: "restart after 2 ms")
        add(.ok, HistoryEvent.Subject.rollback, message: message, copy: copy, attempt: attempt, worker: worker, detail: "connection closed by crash")
    }

    func queue(messages: Int = 1) -> QueueTally {
        QueueTally(History(merging: [events]), messages: messages, subscribers: 1)
    }

    @Test mutating func aSkipAfterTheWorkCommittedIsBacked() throws {
        processedReceive(copy: 1, attempt: 1, worker: 1)
        skippedReceive(copy: 2, worker: 2)
        #expect(try verdict(EverySkipBackedChecker()).held)
        #expect(queue().counts.skippedWithoutProcessedCopy == 0)
    }

    @Test mutating func aSkipBeforeTheWorkCommittedIsBackedToo() throws {
        skippedReceive(copy: 2, worker: 2)
        crashedHolder(copy: 1, worker: 1)
        processedReceive(copy: 1, attempt: 2, worker: 3)
        #expect(try verdict(EverySkipBackedChecker()).held)
        #expect(try verdict(NoLossChecker()).held)
    }

    @Test mutating func aSkipNoDeliveryBackedIsCaughtAndNoLossMissesIt() throws {
        crashedHolder(copy: 1, worker: 1)
        skippedReceive(copy: 2, worker: 2)
        add(.ok, HistoryEvent.Subject.deadLetter, copy: 1, attempt: 1, worker: 3, detail: "after 1 receives")
        #expect(try verdict(NoLossChecker(), maxReceives: 1).held, "no-loss counts a skip as handled")
        let verdict = try verdict(EverySkipBackedChecker(), maxReceives: 1)
        #expect(!verdict.held)
        let witness = try #require(verdict.witnesses.first)
        #expect(witness.text == "message m-00000 acknowledged as a duplicate by w-02 (m-00000/2#1, step `try-lock`) but never processed; "
            + "the other deliveries: m-00000/1#1 (w-01) crashed at before-commit, copy 1 dead-lettered after 1 receive")
        #expect(witness.workers == ["w-02", "w-01"])
        // One worker log in time order: merged indices are positions in `events`.
        let crash = try #require(events.firstIndex { $0.subject == HistoryEvent.Subject.crash })
        let skip = try #require(events.firstIndex { $0.detail == "skip" })
        let deadLetter = try #require(events.firstIndex { $0.subject == HistoryEvent.Subject.deadLetter })
        #expect(witness.events == [crash, skip, deadLetter])
        #expect(queue().counts.skippedWithoutProcessedCopy == 1)
    }

    /// A copy whose step succeeded but whose transaction rolled back left no `processed` event:
    /// its work did not land, so it backs nothing.
    @Test mutating func aCopyWhoseWorkRolledBackBacksNothing() throws {
        add(.invoke, HistoryEvent.Subject.delivery, copy: 1, attempt: 1, worker: 1)
        add(.ok, "try-lock", copy: 1, attempt: 1, worker: 1, role: .claim)
        add(.ok, "work", copy: 1, attempt: 1, worker: 1, role: .submit)
        add(.ok, HistoryEvent.Subject.rollback, copy: 1, attempt: 1, worker: 1)
        add(.fail, HistoryEvent.Subject.delivery, copy: 1, attempt: 1, worker: 1, detail: "injected error")
        skippedReceive(copy: 2, worker: 2)
        let verdict = try verdict(EverySkipBackedChecker())
        #expect(!verdict.held)
        #expect(verdict.witnesses.first?.text.hasSuffix("the other deliveries: m-00000/1#1 (w-01) failed (injected error)") == true)
    }

    @Test mutating func aSkipWithNothingElseReceivedSaysSo() throws {
        skippedReceive(message: 0, copy: 1, worker: 4, step: "check")
        processedReceive(message: 1, attempt: 1, worker: 5)
        let verdict = try verdict(EverySkipBackedChecker(), messages: 2)
        #expect(verdict.witnesses.map(\.text) == [
            "message m-00000 acknowledged as a duplicate by w-04 (m-00000/1#1, step `check`) but never processed; no other delivery of it was received",
        ])
    }

    @Test mutating func eachSubscriberNeedsItsOwnProcessedCopy() throws {
        events.append(HistoryEvent(timeNanos: 1, worker: 1, delivery: Delivery(message: 0, attempt: 1, subscriber: 0), kind: .ok,
                                   subject: HistoryEvent.Subject.processed))
        events.append(HistoryEvent(timeNanos: 2, worker: 2, delivery: Delivery(message: 0, attempt: 1, subscriber: 1), kind: .invoke,
                                   subject: HistoryEvent.Subject.delivery))
        events.append(HistoryEvent(timeNanos: 3, worker: 2, delivery: Delivery(message: 0, attempt: 1, subscriber: 1), kind: .ok,
                                   subject: HistoryEvent.Subject.delivery, detail: "skip", fact: .acknowledged(.skip)))
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 100, maxReceiveCount: 3, retryDelayMillis: 0, subscribers: 2)
        let verdict = try EverySkipBackedChecker().check(CheckInput(history: History(merging: [events]), messages: 1, policy: policy,
                                                                   dialect: .sqlite, store: connection))
        #expect(verdict.witnesses.map(\.message) == ["m-00000"])
        #expect(verdict.witnesses.first?.text.hasPrefix("message m-00000 (subscriber s1) acknowledged as a duplicate") == true)
    }

    @Test func aReportWrittenBeforeTheSkipCountReadsZero() throws {
        let old = #"{"published":3,"processed":2,"deadLettered":1,"lost":0,"duplicated":0,"unexpected":0,"recovered":1}"#
        let counts = try JSONDecoder().decode(QueueCounts.self, from: Data(old.utf8))
        #expect(counts.published == 3 && counts.recovered == 1)
        #expect(counts.skippedWithoutProcessedCopy == 0)
        let again = try JSONDecoder().decode(QueueCounts.self, from: try JSONEncoder().encode(counts))
        #expect(again == counts)
    }
}
