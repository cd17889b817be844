import Testing
@testable import TortureKit

/// The coverage counters, from hand-made histories of a small scenario: each counter moves for
/// what it names and for nothing else.
@Suite struct CoverageCountingTests {
    static let text = """
        name: covered
        description: a claim, a branch on failure, an actor
        workload: { messages: 4, deliveries-per-message: 1, concurrent-deliveries: 1 }
        faults:
          crash:
            before-ack: { probability: 0.1, min-millis: 1, max-millis: 1 }
        protocol:
          schema: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);
          publish: INSERT INTO m (id) VALUES (:message)
          steps:
            - name: claim
              role: claim
              sql: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL
              success: rows-affected
              on-failure: goto note
            - name: process
              role: write
              sql: UPDATE m SET by = by WHERE id = :message
              success: rows-affected
              on-success: done
            - name: note
              role: write
              sql: UPDATE m SET by = by WHERE id = :message
              success: rows-affected
              on-success: skip
        actors:
          - name: sweeper
            schedule: { every-millis: 10, jitter-millis: 0 }
            steps:
              - name: sweep
                role: write
                sql: UPDATE m SET by = NULL WHERE by = 'nobody' RETURNING id
                success: rows-affected
                on-success: done
                on-failure: done
                publish: id
        invariants:
          - no-loss
        """

    static func observer() throws -> CoverageObserver {
        CoverageObserver(scenario: try ScenarioLoader.parse(text, file: "covered.yaml"))
    }

    static func event(_ kind: HistoryEvent.Kind, _ subject: String, worker: Int = 0, message: Int = 0, attempt: Int = 1,
                      role: StepRole? = nil, rows: Int? = nil, fact: HistoryFact? = nil) -> HistoryEvent {
        HistoryEvent(timeNanos: 0, worker: worker, delivery: Delivery(message: message, attempt: attempt), kind: kind, subject: subject,
                     role: role, rowsAffected: rows, fact: fact)
    }

    static func actorEvent(_ kind: HistoryEvent.Kind, _ subject: String, tick: Int, role: StepRole? = nil, rows: Int? = nil) -> HistoryEvent {
        HistoryEvent(timeNanos: 0, worker: 5, delivery: ActorTick(actor: 0, instance: 1, tick: tick).recordFields, kind: kind,
                     subject: subject, role: role, rowsAffected: rows)
    }

    @Test func everyDeclaredCounterIsThereAtZeroBeforeAnythingHappens() throws {
        let counters = try Self.observer().counters
        for name in CoverageCounter.everyRun + ["fault:crash@before-ack", "step:claim held", "step:claim failed", "step:process failed",
                                                "action:goto note", "action:done", "action:skip", "action:fail",
                                                "step:sweeper/sweep held", "action:sweeper/done", "actor:sweeper run changed rows",
                                                "actor:sweeper published"] {
            #expect(counters[name] == 0, "\(name) is declared")
        }
        #expect(!counters.keys.contains("action:next"), "`next` on a step but the last is what every step does: not counted")
        #expect(counters.values.allSatisfy { $0 == 0 })
    }

    @Test func stepOutcomesCountAndTheActionEachOutcomeChose() throws {
        let observer = try Self.observer()
        for event in [
            Self.event(.ok, "claim", role: .claim), Self.event(.ok, "process", role: .write),
            Self.event(.fail, "claim", message: 1, role: .claim), Self.event(.ok, "note", message: 1, role: .write),
            // A statement the store refused decided nothing.
            Self.event(.fail, "claim", message: 2, role: .claim, fact: .storeError(.busy, sqlState: nil)),
            Self.event(.invoke, "claim", message: 3, role: .claim),
        ] { observer.observe(event) }
        let counters = observer.counters
        #expect(counters["step:claim held"] == 1 && counters["step:claim failed"] == 1)
        #expect(counters["step:process held"] == 1 && counters["step:process failed"] == 0)
        #expect(counters["action:done"] == 1 && counters["action:goto note"] == 1 && counters["action:skip"] == 1)
        #expect(counters["action:fail"] == 0)
    }

    @Test func aCrashedLeaseExpiresAStalledOneIsTakenOverANackedOneNeither() throws {
        let observer = try Self.observer()
        for event in [
            // m0: crashed, received again: the lease ran out.
            Self.event(.invoke, "delivery", message: 0), Self.event(.info, "crash", message: 0),
            Self.event(.invoke, "delivery", worker: 1, message: 0, attempt: 2),
            // m1: still in flight when received again: taken over; its late ack is refused.
            Self.event(.invoke, "delivery", message: 1), Self.event(.invoke, "delivery", worker: 1, message: 1, attempt: 2),
            Self.event(.info, "delivery", message: 1, fact: .ackRefused),
            Self.event(.ok, "delivery", worker: 1, message: 1, attempt: 2, fact: .acknowledged(.done)),
            // m2: nacked, then received again after the retry delay: no lease ran out.
            Self.event(.invoke, "delivery", worker: 2, message: 2), Self.event(.fail, "delivery", worker: 2, message: 2),
            Self.event(.invoke, "delivery", worker: 2, message: 2, attempt: 2),
        ] { observer.observe(event) }
        let counters = observer.counters
        #expect(counters["redelivery"] == 3)
        #expect(counters["lease-expired"] == 2)
        #expect(counters["takeover"] == 1)
        #expect(counters["ack-refused"] == 1)
        #expect(counters["dead-letter"] == 0)
    }

    @Test func aDeadLetterAfterAStalledReceiveAlsoCountsTheExpiredLease() throws {
        let observer = try Self.observer()
        for event in [
            Self.event(.invoke, "delivery", message: 3), Self.event(.fail, "delivery", message: 3),
            Self.event(.ok, "dead-letter", message: 3),
            Self.event(.invoke, "delivery", message: 0), Self.event(.ok, "dead-letter", worker: 1, message: 0),
        ] { observer.observe(event) }
        let counters = observer.counters
        #expect(counters["dead-letter"] == 2)
        #expect(counters["lease-expired"] == 1, "only the entry whose last receive was not nacked")
    }

    @Test func anActorRunCountsWhenItLandedHavingChangedRows() throws {
        let observer = try Self.observer()
        for event in [
            Self.actorEvent(.invoke, "tick", tick: 1), Self.actorEvent(.ok, "sweep", tick: 1, role: .write, rows: 2),
            Self.actorEvent(.ok, "tick", tick: 1),
            Self.actorEvent(.invoke, "tick", tick: 2), Self.actorEvent(.ok, "sweep", tick: 2, role: .write, rows: 0),
            Self.actorEvent(.ok, "tick", tick: 2),
            Self.actorEvent(.invoke, "tick", tick: 3), Self.actorEvent(.ok, "sweep", tick: 3, role: .write, rows: 3),
            Self.actorEvent(.fail, "tick", tick: 3),
            // A republication by the actor's worker, and a duplicate a processor's fault published.
            Self.event(.info, "published", worker: 5, message: 1), Self.event(.info, "published", worker: 0, message: 2),
        ] { observer.observe(event) }
        let counters = observer.counters
        #expect(counters["actor:sweeper run changed rows"] == 1, "run 2 changed nothing, run 3 rolled back")
        #expect(counters["step:sweeper/sweep held"] == 3 && counters["action:sweeper/done"] == 3)
        #expect(counters["step:claim held"] == 0, "an actor's step is not the processors' step")
        #expect(counters["actor:sweeper published"] == 1)
    }

    @Test func firedFaultsCountByKindAndPointEvenWhenUndeclared() throws {
        let observer = try Self.observer()
        observer.observe(Self.event(.info, "fault", fact: .fault(.crash, .beforeAck)))
        observer.observe(Self.event(.info, "fault", fact: .fault(.delay, .afterRead)))
        let counters = observer.counters
        #expect(counters["fault:crash@before-ack"] == 1 && counters["fault:delay@after-read"] == 1)
    }

    @Test func aHandlersUndeclaredStepsAreCountedUpToTheLimit() throws {
        let observer = try Self.observer()
        for number in 0..<(CoverageObserver.unplannedStepLimit + 10) {
            observer.observe(Self.event(.ok, "made-up-\(number)", role: .write))
        }
        let counters = observer.counters
        #expect(counters["step:made-up-0 held"] == 1 && counters["step:made-up-0 failed"] == 0)
        #expect(counters["step:made-up-\(CoverageObserver.unplannedStepLimit) held"] == nil)
    }
}
