/// Counts what a run explored, fed every event of the engine's one pass over the history — the
/// actors' too, unlike the checkers. State is bounded by what is in flight: an entry's lease is
/// forgotten once it is acknowledged or dead-lettered, an actor's run once it ends.
///
/// Leases are read from the history, not the broker: a receive of an entry whose previous receive
/// was not nacked found that receive's lease run out (`lease-expired`); if that earlier delivery
/// had not ended yet — still working, stalled, hung in a timeout — it was taken over (`takeover`).
final class CoverageObserver {
    private var plan: CoveragePlan
    private var counts: [Int]
    /// Slot of each fault kind × point, -1 until it first fires.
    private var faultSlots: [Int]
    private var leases: [EntryKey: Lease] = [:]
    /// Each actor instance's run in progress, by worker: its actor, and the rows its steps changed.
    private var actorRuns: [Int: (actor: Int, rows: Int)] = [:]
    /// Which actor each actor instance's worker belongs to (its publications name only the worker).
    private var actorOfWorker: [Int: Int] = [:]
    private var unplannedSteps = 0

    /// Step names a handler reports beyond those it declared, counted at most: a child that makes
    /// up a name per delivery must not grow the report with the run.
    static let unplannedStepLimit = 64

    private struct Lease {
        var attempt: Int
        var state: State

        enum State {
            /// Received; its delivery has not ended.
            case inFlight
            /// Nacked: visible again after the retry delay, no lease runs out.
            case released
            /// Crashed, or given up at the deadline: nobody told the broker.
            case abandoned
        }
    }

    init(scenario: Scenario) {
        plan = CoveragePlan(scenario: scenario)
        counts = Array(repeating: 0, count: plan.slots.names.count)
        faultSlots = Array(repeating: -1, count: FaultKind.allCases.count * InjectionPoint.allCases.count)
    }

    /// Counter name → count; every counter the plan names is there, at 0 if it never moved.
    var counters: [String: Int] {
        let names = plan.slots.names
        assert(counts.count <= names.count, "a count is only added to a named slot")
        // Slots numbered during the pass (a step's other outcome, say) may never have been added to.
        let padded = counts + repeatElement(0, count: names.count - counts.count)
        return Dictionary(uniqueKeysWithValues: zip(names, padded))
    }

    func observe(_ event: HistoryEvent) {
        if case .fault(let kind, let point) = event.fact { add(faultSlot(kind, point)) }
        if event.role != nil { countStep(event) }
        if event.isAboutDelivery {
            observeDelivery(event)
        } else {
            observeActorRun(event)
        }
    }

    private func add(_ slot: Int) {
        if slot >= counts.count { counts.append(contentsOf: repeatElement(0, count: slot - counts.count + 1)) }
        counts[slot] += 1
    }

    private func faultSlot(_ kind: FaultKind, _ point: InjectionPoint) -> Int {
        let index = FaultKind.allCases.firstIndex(of: kind)! * InjectionPoint.allCases.count + InjectionPoint.allCases.firstIndex(of: point)!
        if faultSlots[index] < 0 { faultSlots[index] = plan.slots.slot(CoverageCounter.fault(kind, point)) }
        return faultSlots[index]
    }

    /// A step's `ok` (its condition held) or `fail` (it did not), and the action that chose; a
    /// statement the store refused decided nothing, and is in the report's store-error counts.
    private func countStep(_ event: HistoryEvent) {
        guard event.kind == .ok || event.kind == .fail else { return }
        if case .storeError = event.fact { return }
        let machine = event.actorTick.map { $0.actor + 1 } ?? 0
        guard machine < plan.steps.count else { return }
        var step = plan.steps[machine][event.subject]
        if step == nil, unplannedSteps < Self.unplannedStepLimit {
            unplannedSteps += 1
            step = plan.unplannedStep(event.subject, machine: machine)
        }
        guard let step else { return }
        let held = event.kind == .ok
        add(held ? step.held : step.failed)
        if let action = held ? step.actionWhenHeld : step.actionWhenFailed { add(action) }
    }

    private func observeDelivery(_ event: HistoryEvent) {
        let entry = event.entryKey
        // Whether the event is about the entry's latest receive: a zombie's late word changes nothing.
        var current: Bool { leases[entry]?.attempt == event.attempt }
        switch (event.subject, event.kind) {
        case (HistoryEvent.Subject.delivery, .invoke):
            if event.attempt >= 2 { add(CoveragePlan.redelivery) }
            if let previous = leases[entry], previous.attempt < event.attempt {
                switch previous.state {
                case .inFlight:
                    add(CoveragePlan.leaseExpired)
                    add(CoveragePlan.takeover)
                case .abandoned:
                    add(CoveragePlan.leaseExpired)
                case .released:
                    break
                }
            }
            leases[entry] = Lease(attempt: event.attempt, state: .inFlight)
        case (HistoryEvent.Subject.delivery, .ok):
            // The broker deleted the entry with the ack it took.
            if current { leases[entry] = nil }
        case (HistoryEvent.Subject.delivery, .fail):
            if current { leases[entry]?.state = .released }
        case (HistoryEvent.Subject.delivery, .info):
            if event.fact == .ackRefused {
                add(CoveragePlan.ackRefused)
            } else if current {
                leases[entry]?.state = .abandoned
            }
        case (HistoryEvent.Subject.crash, _):
            if current { leases[entry]?.state = .abandoned }
        case (HistoryEvent.Subject.deadLetter, .ok), (HistoryEvent.Subject.deadLetter, .fail):
            if event.kind == .ok { add(CoveragePlan.deadLetter) }
            // The receive that found the entry past its limit came after the last lease ran out,
            // unless that delivery was nacked.
            if let last = leases[entry], last.state != .released { add(CoveragePlan.leaseExpired) }
            leases[entry] = nil
        case (HistoryEvent.Subject.published, _):
            if let actor = actorOfWorker[event.worker], let slot = plan.actorPublished[actor] { add(slot) }
        default:
            break
        }
    }

    private func observeActorRun(_ event: HistoryEvent) {
        guard let tick = event.actorTick, tick.actor < plan.actorChangedRows.count else { return }
        switch (event.subject, event.kind) {
        case (HistoryEvent.Subject.tick, .invoke):
            actorRuns[event.worker] = (tick.actor, 0)
            actorOfWorker[event.worker] = tick.actor
        case (HistoryEvent.Subject.tick, .ok):
            // Landed: what its steps changed is in the store.
            if let run = actorRuns.removeValue(forKey: event.worker), run.rows > 0 { add(plan.actorChangedRows[run.actor]) }
        case (HistoryEvent.Subject.tick, _):
            actorRuns[event.worker] = nil
        default:
            if event.role != nil, let rows = event.rowsAffected, rows > 0 { actorRuns[event.worker]?.rows += rows }
        }
    }
}
