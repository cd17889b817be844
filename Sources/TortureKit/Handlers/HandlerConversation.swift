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
                machinery.record(.info, work, subject: HistoryEvent.Subject.statement,
                                 detail: "#\(number) \(Self.words(outcome)): \(Self.shortened(text))", rowsAffected: Self.rows(outcome))
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
                                    values: nil, error: nil, startedNanos: nil, latencyNanos: UInt64(max(0, micros)) * 1_000)
        case .failed(let sqlState, let message, let micros):
            delivery.recordReported(step: step.name, role: step.role, status: .fail, rowsAffected: nil, values: nil,
                                    error: "ERROR \(sqlState): \(message.prefix(200))", startedNanos: nil, latencyNanos: UInt64(max(0, micros)) * 1_000)
        case .reset, .answerLost:
            break
        }
    }

    private static func words(_ outcome: WireOutcome) -> String {
        switch outcome {
        case .completed(let tag, _, let micros): "\(tag) in \(micros) µs"
        case .failed(let sqlState, let message, let micros): "ERROR \(sqlState) in \(micros) µs (\(message.prefix(120)))"
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
            deadlineMillis: handler.timeoutMillis, body: body, event: event)
        guard child.write(message.encoded) else { return .fail(slot.ended(child, while: "being handed a delivery")) }
        let deadline = HandlerChild.monotonicNanos() + UInt64(handler.timeoutMillis) * 1_000_000
        var openSteps: [String: UInt64] = [:]

        while true {
            let read = child.readLine(deadlineNanos: deadline, shouldStop: { machinery.mustStop })
            recordWire()
            switch read {
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
                    let now = machinery.context.clock.nowNanos()
                    if status == .invoke { openSteps[name] = now }
                    let started = status == .invoke ? nil : openSteps.removeValue(forKey: name)
                    if status == .ok { seen.workReported = true }
                    delivery.recordReported(step: name, role: role, status: status, rowsAffected: rows, values: values,
                                            error: error, startedNanos: started)
                case .success(.point(let point)):
                    switch await machinery.fireAtChildPoint(point, work) {
                    case .go:
                        guard child.write(HandlerProtocol.go(id: id).encoded) else { return .fail(slot.ended(child, while: "waiting at \(point.rawValue)")) }
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
