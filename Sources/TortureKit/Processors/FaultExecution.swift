/// Carrying out the plan's faults at an injection point. The plan decides which faults fire;
/// these carry them out and say how the delivery ended, and the lifecycle decides what follows.
extension ParticipantMachinery {
    /// Fires the plan's faults at a point: duplicates, delays and stalls happen here; a fault that
    /// ends the delivery is carried out, and how the delivery ended is returned. A pause cut
    /// short by the run's deadline abandons the delivery.
    nonisolated(nonsending) func fire(_ point: InjectionPoint, _ work: WorkItem) async -> DeliveryEnding? {
        switch await carryOutPausesAndCopies(point, work) {
        case .carriedOn: return nil
        case .cutShort: return giveUp(work)
        case .ends(let fault): return await interrupt(work, with: fault, at: point)
        }
    }

    /// What a handler process waiting at a point is told: go on, raise an injected error inside
    /// the handler (where its own error handling runs), or nothing — the delivery has ended
    /// (a crash killed the child; a timeout or the run's deadline will).
    enum ChildPointAnswer {
        case go
        case raise(error: String, kind: String)
        case ended(DeliveryEnding)
    }

    /// `fire` for a point a handler process reached: errors are raised in the child rather than
    /// carried out here.
    nonisolated(nonsending) func fireAtChildPoint(_ point: InjectionPoint, _ work: WorkItem) async -> ChildPointAnswer {
        switch await carryOutPausesAndCopies(point, work) {
        case .carriedOn: return .go
        case .cutShort: return .ended(giveUp(work))
        case .ends(.error): return .raise(error: "injected error", kind: "error")
        case .ends(.storeError(.busy)):
            counts.storeErrors[.busy, default: 0] += 1
            return .raise(error: "injected store error: busy", kind: "store-busy")
        case .ends(.storeError(.connectionReset)):
            counts.storeErrors[.connectionReset, default: 0] += 1
            return .raise(error: "injected store error: connection reset", kind: "connection-reset")
        case .ends(let fault): return .ended(await interrupt(work, with: fault))
        }
    }

    enum PauseAndCopyResult {
        case carriedOn
        /// A pause was cut short by the run's deadline.
        case cutShort
        /// This fault ends the delivery; the ones before it were carried out.
        case ends(Fault)
    }

    /// Records each of the point's faults, publishes its duplicates and sleeps its pauses, up to
    /// the one that ends the delivery, if any.
    nonisolated(nonsending) private func carryOutPausesAndCopies(_ point: InjectionPoint, _ work: WorkItem) async -> PauseAndCopyResult {
        let faults = faultsAt(work, point)
        guard !faults.isEmpty else { return .carriedOn }
        assert(faults.filter(\.kind.endsDelivery).count <= 1, "at most one fault that ends the delivery fires at a point")
        assert(faults.last.map { $0.kind.endsDelivery || !faults.contains { $0.kind.endsDelivery } } ?? true,
               "a fault that ends the delivery comes last")
        for fault in faults {
            let firedBefore = fired.total
            fired.add(FiredFault(delivery: work.historyDelivery, point: point, fault: fault, worker: worker), atNanos: context.clock.nowNanos())
            assert(fired.total == firedBefore + 1, "every fired fault is counted")
            record(.info, work, subject: HistoryEvent.Subject.fault, detail: "\(point.rawValue): \(fault.summary)",
                   fact: .fault(fault.kind, point))
            switch fault {
            case .duplicate:
                guard case .delivery(let delivery) = work else { continue }
                if let copy = context.broker.publishDuplicate(of: delivery, at: point) {
                    assert(copy.message == delivery.message && copy.isInjectedCopy, "a duplicate is an injected copy of the same message")
                    record(.info, .delivery(copy), subject: HistoryEvent.Subject.published, detail: "duplicate of \(delivery.label)")
                }
            case .delay(let millis), .stall(let millis):
                guard await pause(millis: millis) else { return .cutShort }
            case .crash, .timeout, .error, .storeError, .reset, .lostCommitAck:
                return .ends(fault)
            case .sqlError:
                preconditionFailure("the plan gives sql-error to the wire proxy only")
            }
        }
        return .carriedOn
    }

    /// Sleeps on the injected clock, never past the run's deadline; false when it was cut short.
    nonisolated(nonsending) func pause(millis: Int) async -> Bool {
        precondition(millis >= 0, "a pause is never negative")
        let now = context.clock.nowNanos()
        guard now < deadlineAtNanos, !context.stop.isSet else { return false }
        // Cancellation only ends a pause early; the participant still carries on.
        try? await context.clock.sleep(nanos: min(UInt64(millis) * 1_000_000, deadlineAtNanos &- now))
        return !mustStop
    }

    func giveUp(_ work: WorkItem) -> DeliveryEnding {
        gaveUp = true
        record(.info, work, subject: HistoryEvent.Subject.delivery, detail: "abandoned: the run's deadline passed")
        return .abandoned
    }

    /// Carries out a fault that ends the delivery, and says how it ended.
    nonisolated(nonsending) func interrupt(_ work: WorkItem, with fault: Fault, at point: InjectionPoint? = nil) async -> DeliveryEnding {
        precondition(fault.kind.endsDelivery, "\(fault.kind) does not end a delivery")
        switch fault {
        case .crash(let restartMillis):
            // The process dies: the server rolls back what the connection had open, nobody acks.
            counts.crashed += 1
            onCrash?()
            record(.info, work, subject: HistoryEvent.Subject.crash, detail: "restart after \(restartMillis) ms")
            if transactional { record(.ok, work, subject: HistoryEvent.Subject.rollback, detail: "connection closed by crash") }
            disconnect()
            assert(!isConnected, "a crash leaves no connection")
            guard await pause(millis: restartMillis) else { return giveUp(work) }
            if let gone = reconnectOrEnd() { return gone }
            return .abandoned
        case .timeout(let millis):
            counts.timedOut += 1
            guard await pause(millis: millis) else { return giveUp(work) }
            record(.info, work, subject: HistoryEvent.Subject.timeout, detail: "gave up after \(millis) ms")
            if let gone = rollbackIfOpen(work) { return gone }
            return .failed("timeout after \(millis) ms")
        case .error:
            if let gone = rollbackIfOpen(work) { return gone }
            return .failed("injected error")
        case .storeError(.busy):
            counts.storeErrors[.busy, default: 0] += 1
            if let gone = rollbackIfOpen(work) { return gone }
            return .failed("injected store error: busy")
        case .storeError(.connectionReset):
            counts.storeErrors[.connectionReset, default: 0] += 1
            if transactional { record(.ok, work, subject: HistoryEvent.Subject.rollback, detail: "connection reset") }
            disconnect()
            if let gone = reconnectOrEnd() { return gone }
            assert(isConnected, "a reset connection is opened again")
            return .failed("injected store error: connection reset")
        case .duplicate, .delay, .stall:
            preconditionFailure("\(fault.kind) does not end a delivery")
        case .reset:
            // The engine's own connection, cut as the wire proxy would cut a handler's: before the
            // commit the server rolls back; after it, the work stays and the processor cannot tell.
            let committed = point.map { $0 >= .afterCommit } ?? false
            if transactional && !committed { record(.ok, work, subject: HistoryEvent.Subject.rollback, detail: "connection reset") }
            disconnect()
            if let gone = reconnectOrEnd() { return gone }
            return .failed(committed ? "the connection was reset after COMMIT: whether the work landed is unknown to the processor"
                : "the connection was reset")
        case .lostCommitAck:
            precondition(point == .afterCommit, "a commit's acknowledgement is lost after the commit")
            record(.info, work, subject: HistoryEvent.Subject.commit, detail: "the COMMIT landed; its acknowledgement was lost")
            disconnect()
            if let gone = reconnectOrEnd() { return gone }
            return .failed("the connection was lost at COMMIT: whether the work landed is unknown to the processor")
        case .sqlError:
            preconditionFailure("the plan gives sql-error to the wire proxy only")
        }
    }
}
