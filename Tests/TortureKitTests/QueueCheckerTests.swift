import Testing
@testable import TortureKit

/// Hand-made histories for the queue checkers: each must catch what it exists for and pass
/// what is right.
@Suite struct QueueCheckerTests {
    var events: [HistoryEvent] = []
    var clock: UInt64 = 0

    mutating func add(_ kind: HistoryEvent.Kind, _ subject: String, message: Int = 0, copy: Int = 1, attempt: Int, worker: Int = 1,
                      role: StepRole? = nil, detail: String? = nil, fact: HistoryFact? = nil, at time: UInt64? = nil) {
        clock = time ?? clock + 10
        events.append(HistoryEvent(timeNanos: clock, worker: worker, delivery: Delivery(message: message, copy: copy, attempt: attempt),
                                   kind: kind, subject: subject, role: role, detail: detail, fact: fact))
    }

    mutating func failedReceive(message: Int = 0, attempt: Int) {
        add(.invoke, HistoryEvent.Subject.delivery, message: message, attempt: attempt)
        add(.fail, HistoryEvent.Subject.delivery, message: message, attempt: attempt, detail: "injected error")
    }

    mutating func processedReceive(message: Int = 0, copy: Int = 1, attempt: Int, worker: Int = 1) {
        add(.invoke, HistoryEvent.Subject.delivery, message: message, copy: copy, attempt: attempt, worker: worker)
        add(.ok, HistoryEvent.Subject.processed, message: message, copy: copy, attempt: attempt, worker: worker)
        add(.ok, HistoryEvent.Subject.delivery, message: message, copy: copy, attempt: attempt, worker: worker, detail: "done", fact: .acknowledged(.done))
    }

    func verdict(_ checker: some Checker, messages: Int = 1, maxReceives: Int = 3) throws -> Verdict {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 100, maxReceiveCount: maxReceives, retryDelayMillis: 0, subscribers: 1)
        return try checker.check(CheckInput(history: History(merging: [events]), messages: messages, policy: policy, dialect: .sqlite, store: connection))
    }

    @Test mutating func exactlyMaxReceiveCountFailuresThenOneDeadLetterHolds() throws {
        for attempt in 1...3 { failedReceive(attempt: attempt) }
        add(.ok, HistoryEvent.Subject.deadLetter, attempt: 3)
        #expect(try verdict(EveryFailureInDLQChecker()).held)
        #expect(try verdict(NoLossChecker()).held)
    }

    @Test mutating func usedUpReceivesWithoutADeadLetterIsCaught() throws {
        for attempt in 1...3 { failedReceive(attempt: attempt) }
        let dlq = try verdict(EveryFailureInDLQChecker())
        #expect(!dlq.held)
        #expect(dlq.witnesses.first?.text == "m-00000 copy 1 failed all 3 receives but is not in the DLQ")
        #expect(try verdict(NoLossChecker()).witnesses.first?.text.hasPrefix("lost: message m-00000") == true)
    }

    @Test mutating func oneReceiveShortOfTheLimitMustNotBeDeadLettered() throws {
        for attempt in 1...2 { failedReceive(attempt: attempt) }
        add(.ok, HistoryEvent.Subject.deadLetter, attempt: 2)
        let dlq = try verdict(EveryFailureInDLQChecker())
        #expect(!dlq.held)
        #expect(dlq.witnesses.first?.text.contains("after only 2 of 3 receives") == true)
    }

    @Test mutating func twoFailuresThenSuccessNeedsNoDeadLetter() throws {
        for attempt in 1...2 { failedReceive(attempt: attempt) }
        processedReceive(attempt: 3)
        #expect(try verdict(EveryFailureInDLQChecker()).held)
        #expect(try verdict(NoLossChecker()).held)
    }

    @Test mutating func deadLetteredTwiceIsCaught() throws {
        for attempt in 1...3 { failedReceive(attempt: attempt) }
        add(.ok, HistoryEvent.Subject.deadLetter, attempt: 3)
        add(.ok, HistoryEvent.Subject.deadLetter, attempt: 3, worker: 2)
        #expect(try verdict(EveryFailureInDLQChecker()).witnesses.first?.text == "m-00000 copy 1 is in the DLQ 2 times")
    }

    @Test mutating func processedTwiceIsDuplicatedAndFails() throws {
        processedReceive(copy: 1, attempt: 1, worker: 3)
        processedReceive(copy: 2, attempt: 1, worker: 4)
        let verdict = try verdict(NoLossChecker())
        #expect(!verdict.held)
        #expect(verdict.witnesses.first?.text == "duplicated: message m-00000 processed 2 times, by w-03 and w-04")
    }

    @Test mutating func aDuplicateRecognisedAndSkippedIsNotLost() throws {
        add(.invoke, HistoryEvent.Subject.delivery, attempt: 1)
        add(.ok, HistoryEvent.Subject.delivery, attempt: 1, detail: "skip", fact: .acknowledged(.skip))
        #expect(try verdict(NoLossChecker()).held)
    }

    @Test mutating func aSwallowedErrorIsLost() throws {
        add(.invoke, HistoryEvent.Subject.delivery, attempt: 1)
        add(.ok, HistoryEvent.Subject.delivery, attempt: 1, detail: "swallowed: injected error", fact: .acknowledged(.swallowed))
        #expect(!(try verdict(NoLossChecker()).held))
    }

    @Test mutating func processingAMessageNeverPublishedIsUnexpected() throws {
        processedReceive(message: 7, attempt: 1)
        processedReceive(message: 0, attempt: 1)
        let verdict = try verdict(NoLossChecker(), messages: 1)
        #expect(verdict.witnesses.map(\.text) == ["unexpected: message m-00007 was processed but never published"])
    }

    @Test mutating func aZombieWriteAfterTheTakeoverIsCaught() throws {
        add(.invoke, "claim", attempt: 1, worker: 1, role: .claim, at: 10)
        add(.ok, "claim", attempt: 1, worker: 1, role: .claim, at: 11)
        // Worker 1 stalls; the lease runs out; worker 2 receives and claims.
        add(.invoke, "claim", attempt: 2, worker: 2, role: .claim, at: 100)
        add(.ok, "claim", attempt: 2, worker: 2, role: .claim, at: 101)
        add(.invoke, "submit", attempt: 1, worker: 1, role: .submit, at: 150)
        add(.ok, "submit", attempt: 1, worker: 1, role: .submit, at: 151)
        let verdict = try verdict(FencingChecker())
        #expect(!verdict.held)
        #expect(verdict.witnesses.first?.workers == ["w-01", "w-02"])
    }

    @Test mutating func aWriteOverlappingTheTakeoverIsNotBlamed() throws {
        add(.invoke, "claim", attempt: 1, worker: 1, role: .claim, at: 10)
        add(.ok, "claim", attempt: 1, worker: 1, role: .claim, at: 11)
        add(.invoke, "submit", attempt: 1, worker: 1, role: .submit, at: 99)
        add(.invoke, "claim", attempt: 2, worker: 2, role: .claim, at: 100)
        add(.ok, "claim", attempt: 2, worker: 2, role: .claim, at: 101)
        add(.ok, "submit", attempt: 1, worker: 1, role: .submit, at: 102)
        #expect(try verdict(FencingChecker()).held)
    }

    @Test mutating func aFencedZombieWhoseWriteFailedHolds() throws {
        add(.invoke, "claim", attempt: 2, worker: 2, role: .claim, at: 100)
        add(.ok, "claim", attempt: 2, worker: 2, role: .claim, at: 101)
        add(.invoke, "submit", attempt: 1, worker: 1, role: .submit, at: 150)
        add(.fail, "submit", attempt: 1, worker: 1, role: .submit, at: 151)
        #expect(try verdict(FencingChecker()).held)
    }
}
