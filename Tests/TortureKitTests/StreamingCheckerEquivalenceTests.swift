import Foundation
import Testing
@testable import TortureKit

/// The streaming checkers against the ones they replaced (`ReferenceCheckers/`), on histories
/// recorded from every scenario of the catalogue — held and violated — with a memory budget
/// small enough that the histories come back from spill files. Recorded in simulation: one
/// thread and virtual time, so the suite does not starve the timing tests that run beside it. Every built-in checker runs on
/// every history, whatever the scenario names, so each meets many violations.
@Suite(.serialized) struct StreamingCheckerEquivalenceTests {
    static let catalogue: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Repository.scenarios)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    struct Recorded {
        var outcome: RunEngine.Outcome
        var scenario: Scenario
        var configuration: RunConfiguration
        var directory: TemporaryDirectory
        var store: SQLiteStore
    }

    func record(_ name: String, seed: UInt64, messages: Int = 100) async throws -> Recorded {
        let scenario = try Repository.scenario(name)
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: name, workers: 8, messages: min(scenario.workload.messages, messages),
            deliveriesPerMessage: scenario.workload.deliveriesPerMessage, concurrentDeliveries: scenario.workload.concurrentDeliveries,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: "scenarios", scheduler: .simulation,
            memoryBudgetBytes: 16 << 10)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        return Recorded(outcome: outcome, scenario: scenario, configuration: configuration, directory: directory, store: store)
    }

    /// Every verdict of both generations on one recorded history; fails the test where they differ.
    func compare(_ recorded: Recorded, history: History? = nil) throws -> [Verdict] {
        // The engine's report speaks of the history it recorded, not of one made from it.
        let asRecorded = history == nil
        let history = history ?? recorded.outcome.history
        let events = Array(history)
        #expect(events.count == history.count)
        #expect(events.map(\.index) == Array(0..<events.count))
        let policy = recorded.scenario.delivery, messages = recorded.configuration.messages
        let connection = try recorded.store.connect()
        defer { connection.close() }
        let queue = QueueTally(history, messages: messages, subscribers: policy.subscribers,
                               deliveriesPerMessage: recorded.configuration.deliveriesPerMessage)
        let input = CheckInput(history: history, messages: messages, policy: policy, dialect: .sqlite, store: connection, queue: queue)
        let reference = ReferenceInput(events: events, messages: messages, policy: policy, store: connection)

        #expect(queue.counts == referenceCounts(reference.ledger))
        if asRecorded, let reported = recorded.outcome.report.queue { #expect(reported == queue.counts) }

        var pairs: [(Verdict, Verdict)] = [
            (try ExactlyOneClaimChecker().check(input), try ReferenceExactlyOneClaim().check(reference)),
            (try FencingChecker().check(input), try ReferenceFencing().check(reference)),
            (try EveryFailureInDLQChecker().check(input), try ReferenceEveryFailureInDLQ().check(reference)),
            (try NoLossChecker().check(input), try ReferenceNoLoss().check(reference)),
            (try EverySkipBackedChecker().check(input), try ReferenceEverySkipBacked().check(reference)),
        ]
        for case .noDuplicateSubmissions(let table, let key) in recorded.scenario.invariants {
            pairs.append((try NoDuplicateSubmissionsChecker(table: table, key: key).check(input),
                          try ReferenceNoDuplicateSubmissions(table: table, key: key).check(reference)))
        }
        for case .noLostUpdate(let read, let wrote, let key) in recorded.scenario.invariants {
            pairs.append((try NoLostUpdateChecker(read: read, wrote: wrote, key: key).check(input),
                          try ReferenceNoLostUpdate(read: read, wrote: wrote, key: key).check(reference)))
        }
        for (streamed, referenceVerdict) in pairs {
            #expect(streamed == referenceVerdict, "\(recorded.scenario.name) seed \(recorded.configuration.seed): \(streamed.invariant)")
        }
        // The engine's own verdicts (one pass for all checkers) agree with the checkers run alone.
        for verdict in recorded.outcome.report.verdicts where asRecorded {
            if let alone = pairs.first(where: { $0.0.invariant == verdict.invariant }) { #expect(verdict == alone.0) }
        }
        return pairs.map(\.0)
    }

    @Test(arguments: catalogue)
    func theSameVerdictsAndWitnessesAsBefore(scenario: String) async throws {
        for seed: UInt64 in [1, 2] {
            let recorded = try await record(scenario, seed: seed)
            #expect(recorded.outcome.report.status == .held || recorded.outcome.report.status == .violated,
                    "\(recorded.outcome.report.failureReason ?? "")")
            _ = try compare(recorded)
        }
    }

    /// Each of the history checkers is violated on some catalogue history and still agrees:
    /// the equivalence covers witnesses, not only clean passes. The broker never loses a dead
    /// letter, so every-failure-in-dlq is met on a dlq-redrive history with its dead letters
    /// tampered with: every other one dropped, the rest recorded twice.
    @Test func theComparisonMeetsEveryKindOfViolation() async throws {
        var violated = Set<String>()
        for (scenario, wanted) in [("race-claim-naive", "exactly-one-claim"), ("visibility-timeout-naive", "fencing"),
                                   ("dlq-redrive-naive", "no-loss"), ("try-lock-skip-naive", "every-skip-backed")] {
            for seed: UInt64 in 1...6 where !violated.contains(wanted) {
                let verdicts = try compare(try await record(scenario, seed: seed))
                if verdicts.first(where: { $0.invariant == wanted })?.held == false { violated.insert(wanted) }
            }
        }
        let redrive = try await record("dlq-redrive", seed: 1)
        var tampered: [HistoryEvent] = []
        var deadLetters = 0
        for event in redrive.outcome.history {
            guard event.subject == HistoryEvent.Subject.deadLetter else {
                tampered.append(event)
                continue
            }
            deadLetters += 1
            if deadLetters % 2 == 0 { tampered += [event, event] }
        }
        #expect(deadLetters >= 2, "dlq-redrive dead-letters some messages")
        let verdicts = try compare(redrive, history: History(merging: [tampered]))
        if verdicts.first(where: { $0.invariant == "every-failure-in-dlq" })?.held == false { violated.insert("every-failure-in-dlq") }
        // SQLite serializes a read-modify-write (BEGIN IMMEDIATE), so counter-naive holds there: its
        // lost updates are met on a counter history whose every reading says the same value and
        // is moved to the start of its delivery (before the deliveries it waited for landed).
        let counter = try await record("counter", seed: 1)
        var received: [Delivery: UInt64] = [:]
        let sameReading = counter.outcome.history.map { event -> HistoryEvent in
            if event.subject == HistoryEvent.Subject.delivery, event.kind == .invoke { received[event.delivery] = event.timeNanos }
            guard event.subject == "read", var values = event.values else { return event }
            values.values = zip(values.columns, values.values).map { $0.0 == "value" ? .integer(0) : $0.1 }
            var copy = event
            copy.values = values
            copy.timeNanos = received[event.delivery] ?? event.timeNanos
            return copy
        }
        let counterVerdicts = try compare(counter, history: History(merging: [sameReading]))
        if counterVerdicts.first(where: { $0.invariant == "no-lost-update" })?.held == false { violated.insert("no-lost-update") }
        #expect(violated == ["exactly-one-claim", "fencing", "every-failure-in-dlq", "no-loss", "every-skip-backed", "no-lost-update"])
    }

    @Test func aSpilledHistoryReadsBackLikeOneHeldInMemory() async throws {
        let spilled = try await record("fault-matrix", seed: 3, messages: 400)
        #expect(spilled.outcome.history.spilledBytes > 0, "a 16 KB budget over 8 workers spills a fault-matrix run")
        let again = Array(spilled.outcome.history)
        let inMemory = History(merging: [again])
        #expect(Array(inMemory) == again)
        #expect(inMemory.contentHash == spilled.outcome.history.contentHash)
        #expect(spilled.outcome.report.historyHash == spilled.outcome.history.contentHash.fixedHex)
    }
}
