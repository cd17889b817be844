import Foundation

/// PostgreSQL under the simulation, driven the way PostgreSQL's isolation tester drives sessions:
/// one statement in flight at a time, sent without waiting. The driver waits while it runs (a
/// slow statement is waited for, never guessed blocked from time); when the server reports it
/// waiting on a lock (`pg_blocking_pids`) the statement is taken back — cancelled, and rolled back
/// to a savepoint taken just before it — and its lane parks until a transaction ends, then sends
/// it again. So the server never holds two waiters that one release could wake in either order:
/// what it does at each step is a function of the interleaving alone. A wait that closes a cycle
/// is the deadlock PostgreSQL would report, and fails the statement that closed it with 40P01.
/// Only this run's sessions count as blockers, as the isolation tester counts only its own: a
/// lock held by another client of the server is waited out like a slow statement, since parking
/// on it would make the interleaving depend on who else uses the server.
/// Used only on the simulation's driver thread.
final class PostgresSessions: ServerSessions, @unchecked Sendable {
    private let store: PostgresStore
    /// Asks the server who waits on whom; opened on first use.
    private var monitor: PostgresConnection?
    private var parked = ParkedStatements<UnsafeContinuation<Void, Never>>()
    /// The server processes of this run's sessions: the only blockers the interleaving may follow.
    private var runProcessIDs: Set<Int32> = []
    /// Server processes outside the run that held a lock past the answer timeout: a statement
    /// waiting on them again fails at once, so lanes do not wait out the timeout one by one.
    private var outlastedHolders: Set<Int32> = []
    /// Statements taken back because they had to wait: the report's lock waits.
    private(set) var lockWaits = 0
    /// How long a statement that is neither answered nor blocked may run before the server is
    /// taken for gone, as on threads.
    private let answerTimeoutMillis: Int

    /// The first look for an answer waits up to this long, ending when it arrives: about what a
    /// hot row's answered statements take here (100–250 µs measured the same).
    static let firstLookMicros = 200

    init(store: PostgresStore) {
        self.store = store
        self.answerTimeoutMillis = Int(store.answerTimeoutMillis)
    }

    nonisolated(nonsending) func perform(
        _ request: StoreRequest, on connection: any StoreConnection
    ) async throws(StoreError) -> StatementResult {
        // Only PostgresStore makes these sessions, and only for its own connections.
        let session = connection as! PostgresConnection
        assert(DriverThread.isCurrent, "the simulation's PostgreSQL sessions are driven from its driver thread only")
        assert(!parked.contains(session.backendProcessID), "a session sends a statement only when none of its own is parked")
        runProcessIDs.insert(session.backendProcessID)
        while true {
            let takeBack = if case .execute = request { session.inTransaction } else { false }
            if takeBack { try session.savepoint() }
            try session.send(request)
            if let blockers = try blockersOnceSettled(session) {
                assert(!blockers.isEmpty && blockers.isSubset(of: runProcessIDs), "a statement is taken back only when it waits on this run's sessions")
                assert(!blockers.contains(session.backendProcessID), "a statement never waits on its own session")
                if let answer = try session.withdraw(cancelling: { cancelThroughMonitor(session.backendProcessID) }) {
                    return try finished(answer, session)
                }
                lockWaits += 1
                if parked.closesCycle(session.backendProcessID, blockers) {
                    throw .serializationFailure("[\(PostgresErrorClassifier.deadlockDetected)] deadlock detected (in simulation: "
                        + "this statement waited on a session that waits on it)", sqlState: PostgresErrorClassifier.deadlockDetected)
                }
                await withUnsafeContinuation { continuation in
                    parked.park(session.backendProcessID, waitingOn: blockers, continuation)
                }
                assert(!parked.contains(session.backendProcessID), "a parked statement goes again only once woken")
                continue
            }
            return try finished(try session.receive(), session)
        }
    }

    /// A transaction that ended released what it held: the statements parked on its session go
    /// again (`ParkedStatements` says why only they).
    private func finished(_ answer: StatementResult, _ session: PostgresConnection) throws(StoreError) -> StatementResult {
        if !session.inTransaction { wake(after: session.backendProcessID) }
        return answer
    }

    func settle(after connection: any StoreConnection) {
        wake(after: (connection as! PostgresConnection).backendProcessID)
    }

    private func wake(after processID: Int32) {
        for continuation in parked.wake(after: processID) { continuation.resume() }
    }

    func disconnect(_ connection: any StoreConnection) {
        let session = connection as! PostgresConnection
        let processID = session.backendProcessID
        runProcessIDs.remove(processID)
        session.close()
        // A closed socket says nothing of when the server notices: wait until the session is
        // gone (its transaction rolled back) before anything else runs.
        var waitedMillis = 0
        while waitedMillis < answerTimeoutMillis, (try? isAlive(processID)) ?? false {
            usleep(1_000)
            waitedMillis += 1
        }
        wake(after: processID)
    }

    /// Parked statements wait only on idle transactions of lanes that will run again, so the
    /// driver never idles on them; nothing to wait for.
    func waitForParked() -> Bool { false }

    func close() {
        monitor?.close()
        monitor = nil
    }

    /// Waits while the statement runs: nil once it is answered, the run's sessions it waits on once
    /// the server says it waits on a lock one of them holds. Never decides from time alone, except
    /// that a statement the server neither answers nor reports blocked by this run for the answer
    /// timeout means the server is gone, or another client holds what the run needs.
    private func blockersOnceSettled(_ session: PostgresConnection) throws(StoreError) -> Set<Int32>? {
        // The first look waits as long as an answered statement usually takes, and no longer
        // than its answer: asking the server who blocks whom costs a round trip, which most
        // statements do not need.
        var stepMicros = Self.firstLookMicros
        var waitedMicros = 0
        while true {
            if try session.answerArrived(waitingMicros: stepMicros) { return nil }
            waitedMicros += stepMicros
            let blockers = try blockingProcessIDs(session.backendProcessID)
            let ours = blockers.intersection(runProcessIDs)
            if !ours.isEmpty { return ours }
            let timedOut = waitedMicros >= answerTimeoutMillis * 1_000
            if !blockers.isEmpty, timedOut || blockers.isSubset(of: outlastedHolders) {
                outlastedHolders.formUnion(blockers)
                // Taken back first: a backend waiting on a lock notices a closed socket only when
                // the lock is granted, so the lane's disconnect would wait on the holder.
                _ = try? session.withdraw()
                throw .unavailable("\(store.url.redacted): a statement waited \(answerTimeoutMillis / 1_000) s on a lock held by "
                    + "\(describe(blockers)), not a session of this run; another client of the server holds what this run needs")
            }
            guard !timedOut else {
                throw .unavailable("\(store.url.redacted) neither answered nor reported a lock wait for \(answerTimeoutMillis / 1_000) s")
            }
            stepMicros = min(max(200, stepMicros * 2), 20_000)
        }
    }

    /// "server process 123 (application psql, idle in transaction: SELECT …)", from what the
    /// server says of each; the process id alone when it has gone.
    private func describe(_ processIDs: Set<Int32>) -> String {
        processIDs.sorted().map { processID in
            let rows = (try? monitorRows("SELECT application_name, state, left(query, 120) FROM pg_stat_activity WHERE pid = \(processID)")) ?? []
            guard let row = rows.first, row.count == 3 else { return "server process \(processID)" }
            let text = row.map { if case .text(let value) = $0 { value } else { "" } }
            return "server process \(processID) (application \(text[0].isEmpty ? "unnamed" : text[0]), \(text[1]): \(text[2]))"
        }.joined(separator: ", ")
    }

    /// `pg_cancel_backend` on the monitor's open connection: no new connection, no process forked
    /// to read a CancelRequest. False when it could not be asked. A number libpq gave us, not scenario text.
    private func cancelThroughMonitor(_ processID: Int32) -> Bool {
        guard let rows = try? monitorRows("SELECT pg_cancel_backend(\(processID))"), case .boolean(let cancelled)? = rows.first?.first else {
            return false
        }
        return cancelled
    }

    private func isAlive(_ processID: Int32) throws(StoreError) -> Bool {
        try !monitorRows("SELECT 1 FROM pg_stat_activity WHERE pid = \(processID)").isEmpty
    }

    /// The process id is a number libpq gave us, not scenario text: safe to write into the query.
    private func blockingProcessIDs(_ processID: Int32) throws(StoreError) -> Set<Int32> {
        let rows = try monitorRows("SELECT unnest(pg_blocking_pids(\(processID)))")
        return Set(rows.compactMap { row in
            if case .integer(let value) = row.first { Int32(value) } else { nil }
        })
    }

    private func monitorRows(_ sql: String) throws(StoreError) -> [[SQLValue]] {
        if monitor == nil { monitor = try store.openMonitor() }
        return try monitor!.rows(sql)
    }
}
