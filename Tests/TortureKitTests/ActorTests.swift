import Testing
@testable import TortureKit

/// Scenario actors: a schedule that is a function of the seed, a broker that stays open while a
/// publisher may still publish, faults keyed apart from the deliveries', and actors that run as
/// participants of the run — recorded, checked, stopped by the drain or the deadline.
@Suite(.serialized) struct ActorTests {
    @Test func aScheduleIsAPureFunctionOfSeedActorInstanceAndTick() {
        let schedule = ActorSchedule(everyMillis: 10, jitterMillis: 3, instances: 2)
        let due = (1...50).map { schedule.dueNanos(tick: $0, instance: 1, seed: Seed(7), actorKey: 42) }
        #expect(due == (1...50).map { schedule.dueNanos(tick: $0, instance: 1, seed: Seed(7), actorKey: 42) })
        for (offset, nanos) in due.enumerated() {
            let tick = UInt64(offset + 1)
            #expect(nanos >= tick * 10_000_000 && nanos <= tick * 10_000_000 + 3_000_000, "jitter stays within its bound")
        }
        #expect(due != (1...50).map { schedule.dueNanos(tick: $0, instance: 2, seed: Seed(7), actorKey: 42) })
        #expect(due != (1...50).map { schedule.dueNanos(tick: $0, instance: 1, seed: Seed(8), actorKey: 42) })
    }

    @Test func actorFaultsAreKeyedByActorInstanceTickAndPointNotByDelivery() {
        var profile = FaultProfile()
        profile[.error, .afterRead] = FaultRule(probability: 0.5)
        let plan = FaultPlan(seed: Seed(3), profile: profile)
        let fired = (1...200).map { plan.faults(forActor: 9, instance: 1, tick: $0, at: .afterRead) }
        #expect(fired == (1...200).map { plan.faults(forActor: 9, instance: 1, tick: $0, at: .afterRead) })
        #expect(fired.filter { !$0.isEmpty }.count > 60 && fired.filter { !$0.isEmpty }.count < 140)
        #expect(fired != (1...200).map { plan.faults(forActor: 10, instance: 1, tick: $0, at: .afterRead) })
        #expect(plan.planHash(actorKey: 9, instances: 1) != plan.planHash(actorKey: 9, instances: 2))
    }

    /// The mark a holder's run begins with (the change count, the queue being empty).
    private func begin(_ broker: Broker, _ holder: Int) -> Int? {
        guard let began = broker.beginHolderTick(holder) else { Issue.record("the queue closed early"); return nil }
        return began
    }

    @Test func everyActorHoldsTheQueueOpenUntilAQuietRun() {
        let broker = Broker(schedule: [], messages: 4, policy: .standard)
        broker.holdOpen(forActors: 2)
        #expect(broker.receive(nowNanos: 1) == .wait(untilNanos: 1 + Broker.heldPollNanos))
        let first = begin(broker, 0)
        #expect(first == 0)
        broker.endHolderTick(0, mark: first, changed: false)
        #expect(!broker.isDrained, "the second actor has not had a quiet run yet")
        // The second one's run publishes: the first one's quiet run no longer counts.
        let second = begin(broker, 1)
        #expect(second == 0)
        let copies = broker.republish(message: 2)
        #expect(copies == [Delivery(message: 2, copy: CopyOrigin.republished(1).code, attempt: 1)])
        broker.endHolderTick(1, mark: second, changed: true)
        guard case .delivery(let lease) = broker.receive(nowNanos: 2) else { Issue.record("the republished copy is delivered"); return }
        #expect(broker.acknowledge(lease))
        // A run that changed rows and published nothing (a job marked runnable for another actor)
        // is not quiet either, and wipes out the other's quiet run.
        let quiet = begin(broker, 0)
        broker.endHolderTick(0, mark: quiet, changed: false)
        let releasing = begin(broker, 1)
        broker.endHolderTick(1, mark: releasing, changed: true)
        #expect(!broker.isDrained, "actor 1 changed rows: actor 0 must look again")
        // A run that was not quiet (it failed) wipes out an earlier quiet one.
        let failing = begin(broker, 0)
        broker.endHolderTick(0, mark: failing, changed: false)
        _ = begin(broker, 0)
        broker.endHolderTick(0, mark: nil, changed: false)
        let other = begin(broker, 1)
        broker.endHolderTick(1, mark: other, changed: false)
        #expect(!broker.isDrained, "actor 0's last run was not quiet")
        // An actor in the middle of a run keeps it open even when both were quiet.
        let zero = begin(broker, 0)
        let one = begin(broker, 1)
        broker.endHolderTick(1, mark: one, changed: false)
        #expect(!broker.isDrained)
        broker.endHolderTick(0, mark: zero, changed: false)
        #expect(broker.isDrained)
        #expect(broker.receive(nowNanos: 3) == .drained)
        #expect(broker.beginHolderTick(0) == nil, "once closed, no actor runs again")
    }

    func run(_ scenario: Scenario, workers: Int = 12, messages: Int, seed: UInt64, scheduler: SchedulerChoice = .threads,
             deadlineMillis: Int? = nil, memoryBudgetBytes: Int? = nil) async -> RunEngine.Outcome {
        let directory = TemporaryDirectory()
        let store = directory.sqliteStore()
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: workers, messages: messages, deliveriesPerMessage: scenario.workload.deliveriesPerMessage,
            concurrentDeliveries: scenario.workload.concurrentDeliveries, seed: Seed(seed), store: store.commandLineValue,
            scenariosDirectory: nil, scheduler: scheduler, deadlineMillisOverride: deadlineMillis, memoryBudgetBytes: memoryBudgetBytes)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        _ = directory
        return outcome
    }

    /// Each actor instance keeps a compact log of its own beside the processors', and shares the
    /// memory budget with them: a run whose logs spill reads back the same history as one held in
    /// memory, actors' ticks and kept values included.
    @Test func actorsLogLikeProcessorsAndSpillTheSameHistory() async throws {
        let scenario = try Repository.scenario("dlq-reprocess")
        let spilled = await run(scenario, workers: 4, messages: 100, seed: 21, scheduler: .simulation, memoryBudgetBytes: 1 << 10)
        let held = await run(scenario, workers: 4, messages: 100, seed: 21, scheduler: .simulation)
        #expect(spilled.history.logs.count == 4 + scenario.actors.reduce(0) { $0 + $1.schedule.instances })
        #expect(spilled.history.spilledBytes > 0)
        #expect(held.history.spilledBytes == 0)
        #expect(spilled.report.historyHash == held.report.historyHash)
        #expect(Array(spilled.history) == Array(held.history))
        #expect(Array(spilled.history).contains { $0.actorTick != nil && $0.subject == HistoryEvent.Subject.tick })
        #expect(spilled.report.status == held.report.status)
    }

    @Test func theSweeperRepublishesStuckMessagesAndItsRunsAreInTheHistory() async throws {
        let scenario = try Repository.scenario("stale-republish")
        let outcome = await run(scenario, messages: 200, seed: 4)
        #expect(outcome.report.status == .held, "\(outcome.report.verdicts)")
        let sweeper = try #require(outcome.report.actors?.first)
        #expect(sweeper.name == "stale-sweeper-1")
        #expect(sweeper.worker == 12, "actor instances are numbered after the processors")
        #expect(sweeper.runs > 0 && sweeper.published > 0)
        let events = Array(outcome.history)
        let ticks = events.filter { $0.subject == HistoryEvent.Subject.tick && $0.kind == .ok }
        #expect(ticks.count == sweeper.runs)
        #expect(ticks.allSatisfy { $0.worker == 12 && $0.actorTick != nil })
        let republished = events.filter { $0.subject == HistoryEvent.Subject.published && $0.worker == 12 }
        #expect(republished.count == sweeper.published)
        #expect(republished.allSatisfy { event in
            guard case .republished = event.delivery.origin else { return false }
            return event.detail?.hasPrefix("republished by stale-sweeper-1") == true
        })
        let received = Set(events.filter { $0.subject == HistoryEvent.Subject.delivery && $0.kind == .invoke }.map(\.delivery.message))
        #expect(republished.allSatisfy { received.contains($0.message) })
    }

    @Test(arguments: ["stale-republish-naive", "dlq-reprocess", "dlq-reprocess-naive", "session-join"])
    func aRunWithActorsReplaysExactlyInSimulation(name: String) async throws {
        let scenario = try Repository.scenario(name)
        let first = await run(scenario, messages: 100, seed: 21, scheduler: .simulation)
        #expect(first.report.simulation?.foreignEnqueues == 0)
        #expect(first.report.simulation?.deadlocked == false)
        #expect(first.report.actors?.allSatisfy { $0.runs + $0.failed + $0.crashed > 0 } == true)
        let again = await run(scenario, messages: 100, seed: 21, scheduler: .simulation)
        #expect(again.report.historyHash == first.report.historyHash)
        #expect(again.history.firstDivergence(from: first.history) == nil)
    }

    @Test func theDLQCronsReDriveWhatFailedAndTheNaiveOnesAreCaught() async throws {
        let correct = await run(try Repository.scenario("dlq-reprocess"), messages: 150, seed: 2)
        #expect(correct.report.status == .held, "\(correct.report.verdicts)")
        #expect((correct.report.actors ?? []).map(\.name) == ["dlq-cron-1", "dlq-cron-2"])
        #expect((correct.report.actors ?? []).reduce(0) { $0 + $1.published } > 0, "something failed past its receives and was re-driven")
        var caught = false
        for seed: UInt64 in 1...10 where !caught {
            caught = await run(try Repository.scenario("dlq-reprocess-naive"), workers: 16, messages: 300, seed: seed).report.status == .violated
        }
        #expect(caught)
    }

    /// A sweeper that republishes on every run is never quiet: the processors wait for it until
    /// the deadline, and the run ends with a liveness verdict instead of hanging.
    @Test func aPublisherThatNeverGoesQuietEndsAtTheDeadline() async throws {
        let text = """
            name: restless
            description: republishes the first message on every run
            workload: { messages: 5, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema: CREATE TABLE done (id TEXT PRIMARY KEY);
              steps:
                - name: work
                  role: submit
                  sql: INSERT INTO done (id) VALUES (:message) ON CONFLICT (id) DO NOTHING
                  success: rows-affected
                  on-success: done
                  on-failure: skip
            actors:
              - name: restless
                schedule: { every-millis: 2 }
                steps:
                  - name: again
                    role: read
                    sql: SELECT 'm-00000' AS message
                    success: row-returned
                    on-success: done
                    publish: message
            invariants: [no-loss]
            """
        let scenario = try ScenarioLoader.parse(text, file: "restless.yaml")
        for scheduler in [SchedulerChoice.threads, .simulation] {
            let outcome = await run(scenario, workers: 2, messages: 5, seed: 1, scheduler: scheduler, deadlineMillis: 150)
            #expect(outcome.report.status == .violated)
            #expect(outcome.report.verdicts.map(\.invariant) == ["liveness"])
            let restless = try #require(outcome.report.actors?.first)
            #expect(restless.published > 0, "it kept publishing until the deadline stopped it")
        }
    }
}
