/// One delivery, told to a handler process and answered line by line: its steps go into the
/// history, its points get the plan's faults, its result is the delivery's decision. Whatever the
/// child does — exit, hang, write garbage — the delivery ends with a reason and the run goes on.
struct HandlerConversation {
    let handler: ProcessHandler
    let processes: HandlerProcesses
    let delivery: DeliveryContext

    private var machinery: ParticipantMachinery { delivery.machinery }
    /// What this delivery's steps and statements came to.
    private let seen = Seen()

    private final class Seen {
        /// The child reported a step that succeeded, or a statement landed: work that may stay.
        var workReported = false
        /// A COMMIT reached the server and was answered COMMIT (its acknowledgement lost or not).
        var commitLanded = false
    }

    /// The decision; a failure's reason never carries the run's password, whatever the child echoed.
    nonisolated(nonsending) func run() async throws(DeliveryInterruption) -> DeliveryDecision {
        processes.wire?.begin(worker: machinery.workerName, delivery: delivery.delivery)
        let decision: DeliveryDecision
        do {
            decision = try await converse()
        } catch {
            recordWire(ending: true)
            discountUncommittedWork()
            throw error
        }
        recordWire(ending: true)
        if case .fail(let reason) = decision {
            discountUncommittedWork()
            return .fail(processes.redacted(reason))
        }
        return decision
    }

    /// A delivery that ended without `done` or `skip`: torture cannot see the child's
    /// transaction, so its reported work counts as rolled back — unless the wire saw a COMMIT
    /// land. Counting it would make a claim the server rolled back look like a second claim (a
    /// false positive); not counting one that did commit can only hide a violation.
    private func discountUncommittedWork() {
        guard seen.workReported, !seen.commitLanded else { return }
        machinery.record(.ok, delivery.work, subject: HistoryEvent.Subject.rollback,
                         detail: "not known to have committed: the handler process ended the delivery without done or skip")
    }

    /// What the wire saw of this delivery since the last look, into the history: recorded here,
    /// on the processor's own thread, when the processor next looks.
    private func recordWire(ending: Bool = false) {
        guard let wire = processes.wire else { return }
        let work = delivery.work
        for event in wire.drain(worker: machinery.workerName, ending: ending) {
            switch event {
            case .fault(let fault, let point, let statement):
                machinery.fired.add(FiredFault(delivery: work.historyDelivery, point: point, fault: fault, worker: machinery.worker),
                                    atNanos: machinery.context.clock.nowNanos())
                machinery.record(.info, work, subject: HistoryEvent.Subject.fault,
                                 detail: "\(point.rawValue) of statement \(statement) (wire): \(fault.summary)", fact: .fault(fault.kind, point))
            case .statement(let number, let text, let outcome):
                switch outcome {
                case .completed(let tag, _, _), .answerLost(let tag):
                    if tag == "COMMIT" { seen.commitLanded = true } else if !tag.hasPrefix("ERROR") { seen.workReported = true }
                case .failed, .reset: break
                }
                // In simulation the proxy's real times are left out: the history is the seed's alone.
                let timed = processes.turns == nil
                machinery.record(.info, work, subject: HistoryEvent.Subject.statement,
                                 detail: "#\(number) \(Self.words(outcome, timed: timed)): \(Self.shortened(text))", rowsAffected: Self.rows(outcome))
                if let step = processes.statementStep(for: text) { recordStatementStep(step, outcome) }
            }
        }
    }

    /// A statement a `matches` names, recorded as its step: ok when its success condition held for
    /// the tag; a failed statement fails the step; one whose answer never came is left unjudged.
    private func recordStatementStep(_ step: StatementStep, _ outcome: WireOutcome) {
        delivery.recordReported(step: step.name, role: step.role, status: .invoke, rowsAffected: nil, values: nil, error: nil, startedNanos: nil)
        switch outcome {
        case .completed(let tag, let rows, let micros):
            let held = step.holds(tag: tag, rows: rows)
            if held { seen.workReported = true }
            delivery.recordReported(step: step.name, role: step.role, status: held ? .ok : .fail, rowsAffected: tag.hasPrefix("SELECT") ? 0 : rows,
                                    values: nil, error: nil, startedNanos: nil, latencyNanos: latency(micros))
        case .failed(let sqlState, let message, let micros):
            delivery.recordReported(step: step.name, role: step.role, status: .fail, rowsAffected: nil, values: nil,
                                    error: "ERROR \(sqlState): \(message.prefix(200))", startedNanos: nil, latencyNanos: latency(micros))
        case .reset, .answerLost:
            break
        }
    }

    /// The proxy's time for a statement; in simulation 0: the proxy's real times are not the run's.
    private func latency(_ micros: Int) -> UInt64? {
        processes.turns == nil ? UInt64(max(0, micros)) * 1_000 : 0
    }

    private static func words(_ outcome: WireOutcome, timed: Bool) -> String {
        switch outcome {
        case .completed(let tag, _, let micros): timed ? "\(tag) in \(micros) µs" : tag
        case .failed(let sqlState, let message, let micros): "ERROR \(sqlState)\(timed ? " in \(micros) µs" : "") (\(message.prefix(120)))"
        case .reset: "cut by a reset"
        case .answerLost(let tag): "\(tag), its answer lost (the client saw its connection die)"
        }
    }

    private static func rows(_ outcome: WireOutcome) -> Int? {
        if case .completed(_, let rows, _) = outcome { return rows }
        return nil
    }

    private static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 160 ? line.prefix(160) + "…" : line
    }

    nonisolated(nonsending) private func converse() async throws(DeliveryInterruption) -> DeliveryDecision {
        let slot = processes.slot(for: machinery.workerName)
        let work = delivery.work
        // A crash fault anywhere in this participant's delivery — at the child's point or at
        // torture's own before-ack — is the child's death.
        machinery.onCrash = { slot.kill() }
        let child: HandlerChild
        let coldStartedAt = machinery.context.clock.nowNanos()
        let hadChild = slot.child != nil
        switch slot.ready(timeoutMillis: handler.timeoutMillis, shouldStop: { machinery.context.stop.isSet }) {
        case .ready(let ready):
            child = ready
            if !hadChild {
                let millis = Double(machinery.context.clock.nowNanos() &- coldStartedAt) / 1_000_000
                machinery.record(.info, work, subject: HistoryEvent.Subject.coldStart,
                                 detail: "started `\(handler.commandLine)` in \(Self.millisText(millis)) ms")
            }
        case .failed(let reason):
            return .fail(reason)
        }

        let id = slot.nextDeliveryId()
        let parameters = delivery.parameters
        let current = delivery.delivery
        let body = handler.body(for: current.message).rendered(parameters)
        let event = HandlerEvent.make(handler.event, body: body, delivery: current, messageName: parameters.message, lease: parameters.lease)
        let message = HandlerProtocol.deliverMessage(
            id: id, parameters: parameters, delivery: current, subscribers: machinery.context.broker.policy.subscribers,
            deadlineMillis: handler.timeoutMillis,
            nowMillis: Self.nowMillis(machinery.context.clock),
            randomSeed: HandlerProtocol.randomSeed(machinery.context.seed, current), body: body, event: event)
        guard child.write(message.encoded) else { return .fail(slot.ended(child, while: "being handed a delivery")) }
        let turns = processes.turns
        let clock = machinery.context.clock
        let timeoutNanos = UInt64(handler.timeoutMillis) * 1_000_000
        // Lambda's timeout on the run's clock (virtual in simulation); in simulation the child's
        // own computing, waited for in real time, has the same budget of its own.
        let deadline = clock.nowNanos() + timeoutNanos
        var computingNanos: UInt64 = 0
        var openSteps: [String: UInt64] = [:]

        while true {
            let readFrom = HandlerChild.monotonicNanos()
            let now = clock.nowNanos()
            let remaining = turns == nil ? (deadline > now ? deadline - now : 0)
                : (timeoutNanos > computingNanos ? timeoutNanos - computingNanos : 0)
            let realDeadline = readFrom + remaining
            let read = now >= deadline ? .timedOut
                : child.readLine(deadlineNanos: realDeadline, wakeOn: turns?.doorbell(for: machinery.workerName), shouldStop: { machinery.mustStop })
            computingNanos += HandlerChild.monotonicNanos() - readFrom
            recordWire()
            switch read {
            case .woken:
                guard let turns, let held = turns.takeHeld(worker: machinery.workerName) else { continue }
                if let lost = await takeTurn(held, turns) {
                    slot.kill()
                    return .fail(lost)
                }
                recordWire()
            case .closed:
                return .fail(slot.ended(child, while: "handling the delivery"))
            case .garbage(let what):
                return brokeProtocol(slot, "the handler wrote \(what) on stdout")
            case .timedOut:
                slot.kill()
                if machinery.mustStop { throw DeliveryInterruption(machinery.giveUp(work)) }
                processes.killedForTimeout()
                machinery.counts.timedOut += 1
                machinery.record(.info, work, subject: HistoryEvent.Subject.timeout,
                                 detail: "the handler ran past timeout-millis \(handler.timeoutMillis): killed")
                return .fail("timeout after \(handler.timeoutMillis) ms: the handler was killed, as Lambda kills one past its timeout")
            case .line(let line):
                switch HandlerProtocol.read(line, id: id) {
                case .failure(let problem):
                    return brokeProtocol(slot, problem.description)
                case .success(.result(let decision)):
                    return decision
                case .success(.step(let name, let role, let status, let rows, let values, let error)):
                    let now = clock.nowNanos()
                    if status == .invoke { openSteps[name] = now }
                    let started = status == .invoke ? nil : openSteps.removeValue(forKey: name)
                    if status == .ok { seen.workReported = true }
                    delivery.recordReported(step: name, role: role, status: status, rowsAffected: rows, values: values,
                                            error: error, startedNanos: started)
                case .success(.point(let point)):
                    // In simulation a point is a turn: another lane may go before the child does.
                    if turns != nil { await Task.yield() }
                    switch await machinery.fireAtChildPoint(point, work) {
                    case .go:
                        guard child.write(HandlerProtocol.go(id: id, nowMillis: Self.nowMillis(clock)).encoded) else {
                            return .fail(slot.ended(child, while: "waiting at \(point.rawValue)"))
                        }
                    case .raise(let error, let kind):
                        guard child.write(HandlerProtocol.raise(id: id, error: error, kind: kind).encoded) else {
                            return .fail(slot.ended(child, while: "waiting at \(point.rawValue)"))
                        }
                    case .ended(let ending):
                        // A crash has killed the child already; a timeout or the run's end kill it now.
                        slot.kill()
                        throw DeliveryInterruption(ending)
                    }
                }
            }
        }
    }

    /// A statement of the child's waits at the proxy: its turn (a store call's simulated time and a
    /// yield, then any delay fault's), then the server's. A statement that waits on another
    /// handler's lock parks the lane until settling finds it answered. Returns why the delivery
    /// cannot go on, if it cannot.
    nonisolated(nonsending) private func takeTurn(_ held: (key: HandlerTurns.Key, delayMillis: Int), _ turns: HandlerTurns) async -> String? {
        await machinery.takeStoreCallTurn()
        let clock = machinery.context.clock
        if held.delayMillis > 0 { try? await clock.sleep(nanos: UInt64(held.delayMillis) * 1_000_000) }
        var settled = turns.release(held.key)
        while true {
            switch settled {
            case .blocked(let blockers):
                settled = await withUnsafeContinuation { continuation in turns.park(held.key, blockers: blockers, continuation) }
            case .answered(let delayMillis):
                if delayMillis > 0 { try? await clock.sleep(nanos: UInt64(delayMillis) * 1_000_000) }
                turns.releaseAnswer(held.key)
                turns.settleParked()
                return nil
            case .finished, .closed:
                turns.settleParked()
                return nil
            case .lost(let reason):
                return reason
            }
        }
    }

    /// The `now_millis` a child is told: a fixed epoch (2026-01-01T00:00:00Z) plus the run's
    /// injected clock — virtual in simulation, so a handler that takes its time from the SDK sees
    /// the same times on every run of a seed; on threads the run's real elapsed time.
    static func nowMillis(_ clock: any TortureClock) -> Int64 {
        epochMillis + Int64(clock.nowNanos() / 1_000_000)
    }

    static let epochMillis: Int64 = 1_767_225_600_000

    private func brokeProtocol(_ slot: HandlerSlot, _ problem: String) -> DeliveryDecision {
        slot.kill()
        processes.protocolFailed()
        return .fail("handler protocol broken (the child was killed): \(problem)")
    }

    static func millisText(_ millis: Double) -> String {
        let rounded = (millis * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
