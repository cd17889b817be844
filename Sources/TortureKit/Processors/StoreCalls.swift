/// A participant's calls on its connection: statements, begin, commit, rollback. They carry out
/// and report; what a failure means for the delivery is the lifecycle's to decide.
extension ParticipantMachinery {
    /// One call on the participant's connection. In a simulation one thread runs every
    /// participant: each store call takes its simulated time and is preceded by a yield, so the
    /// scheduler may switch participants between any two statements as real threads would. A
    /// server's statements go through its sessions (a lock wait parks the lane); where a lock held
    /// by a suspended participant can never be waited out (`busyMeansYield`), busy means yield (a
    /// virtual microsecond, backing off) and try again. On threads the store's own timeouts wait; on a
    /// `PollingExecutor` the participant suspends on its socket while the others run.
    @discardableResult
    nonisolated(nonsending) func storeCall(_ request: StoreRequest) async throws(StoreError) -> StatementResult {
        guard let connection else { preconditionFailure("\(workerName) calls the store only while connected") }
        guard case .simulation(let simulation) = context.mode else {
            if let polling, let answering { return try await answering.perform(request, on: polling) }
            return try request.run(on: connection)
        }
        await takeStoreCallTurn()
        let busyMeansYield: Bool
        switch simulation.storeAccess {
        case .sessions(let sessions): return try await sessions.perform(request, on: connection)
        case .direct(let yields): busyMeansYield = yields
        }
        var attempts = 0
        while true {
            do {
                return try request.run(on: connection)
            } catch let error where error.kind == .busy && busyMeansYield {
                attempts += 1
                guard attempts < ProcessorContext.busyYieldLimit else {
                    throw .busy("\(error.message) (still busy after \(attempts) yields)", sqlState: error.sqlState)
                }
                // Back off 1 µs, 2 µs, … up to 1 ms: a lock held across a long stall is not polled
                // a million times.
                let pause = ProcessorContext.busyYieldNanos << min(attempts - 1, 10)
                try? await context.clock.sleep(nanos: pause)
            }
        }
    }

    /// In a simulation, what a store call costs before it goes — its simulated time, then a yield,
    /// so another participant may go first; on threads, nothing. A handler process's statements
    /// take their turns here too, at the wire.
    nonisolated(nonsending) func takeStoreCallTurn() async {
        guard case .simulation(let simulation) = context.mode else { return }
        storeCalls += 1
        let latency = simulation.latency
        let nanos = latency.nanos(latency.storeCall, seed: context.seed, salt: SimulatedLatency.storeCallSalt, worker: worker, call: storeCalls)
        if nanos > 0 { try? await context.clock.sleep(nanos: nanos) }
        await Task.yield()
    }

    /// Opens the delivery's transaction. Returns the ending when the store refused it.
    nonisolated(nonsending) func begin(_ isolation: IsolationLevel?, _ work: WorkItem) async -> DeliveryEnding? {
        guard let isolation else { return nil }
        assert(transactional, "\(workerName) begins a transaction only for a transactional handler")
        do {
            try await storeCall(.begin(isolation))
            return nil
        } catch {
            return storeFailure(work, subject: "begin", error)
        }
    }

    /// Commits the delivery's transaction, recording it. Returns the ending when the store
    /// refused it (the transaction is rolled back) or is gone.
    nonisolated(nonsending) func commit(_ isolation: IsolationLevel?, _ work: WorkItem) async -> DeliveryEnding? {
        guard isolation != nil else { return nil }
        record(.invoke, work, subject: HistoryEvent.Subject.commit)
        do {
            try await storeCall(.commit)
        } catch {
            return storeFailure(work, subject: HistoryEvent.Subject.commit, error)
        }
        record(.ok, work, subject: HistoryEvent.Subject.commit)
        return nil
    }

    /// A refused statement did not happen: the transaction is rolled back and the delivery
    /// fails; a store that is gone ends the run.
    func storeFailure(_ work: WorkItem, subject: String, role: StepRole? = nil, _ error: StoreError) -> DeliveryEnding {
        counts.storeErrors[error.kind, default: 0] += 1
        if counts.firstStoreError == nil { counts.firstStoreError = String("\(subject): \(error.description)".prefix(300)) }
        record(error.isUnavailable ? .info : .fail, work, subject: subject, role: role, detail: error.description,
               fact: .storeError(error.kind, sqlState: error.sqlState))
        if error.isUnavailable { return .storeGone(error) }
        if let gone = rollbackIfOpen(work) { return gone }
        return .failed("\(subject): \(error)")
    }

    /// Rolls back the delivery's transaction; returns an ending only when the store is gone.
    func rollbackIfOpen(_ work: WorkItem) -> DeliveryEnding? {
        guard transactional, let connection else { return nil }
        defer { context.mode.simulation?.sessions?.settle(after: connection) }
        do {
            try connection.rollback()
            record(.ok, work, subject: HistoryEvent.Subject.rollback)
        } catch {
            record(.info, work, subject: HistoryEvent.Subject.rollback, detail: error.description,
                   fact: .storeError(error.kind, sqlState: error.sqlState))
            if error.isUnavailable { return .storeGone(error) }
        }
        return nil
    }

    /// Simulation: a receive from the broker takes its simulated time first.
    nonisolated(nonsending) func receiveLatency() async {
        guard let latency = context.mode.simulation?.latency else { return }
        receives += 1
        let nanos = latency.nanos(latency.receive, seed: context.seed, salt: SimulatedLatency.receiveSalt, worker: worker, call: receives)
        if nanos > 0 { try? await context.clock.sleep(nanos: nanos) }
    }

    func reconnectOrEnd() -> DeliveryEnding? {
        do {
            try reconnect()
            return nil
        } catch {
            return .storeGone(error)
        }
    }
}
