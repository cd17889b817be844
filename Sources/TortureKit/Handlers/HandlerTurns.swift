import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Handler processes under the simulation: every statement they send through the wire proxy
/// waits there until its worker's lane takes its turn, so one statement is in flight at a time
/// across all of them and the order in which statements reach the server is the seed's. A
/// released statement is waited for until the server answers it — a slow one is waited for,
/// never guessed blocked — or reports it waiting on a lock another handler connection holds
/// (`pg_blocking_pids` of the server processes the proxy learned from BackendKeyData); then its
/// lane parks. After every answer the parked statements are settled: each is waited for until it
/// is answered (its lane wakes) or waits again. PostgreSQL wakes a lock's waiters in the order
/// they queued, and here they queued in the seed's order, so what the server does at each step is
/// a function of the interleaving. A wait that closes a cycle is cancelled at once (the statement
/// fails 57014) rather than left to the server's deadlock timer, whose victim depends on real time.
///
/// The proxy's threads call the `hold…`, `finished`, `backend` and `closed` side; the driver
/// thread calls the rest. Unlike torture's own sessions, a statement cannot be taken back from a
/// handler's connection: a waiter stays queued in the server, which is why the settling above
/// matters.
final class HandlerTurns: @unchecked Sendable {
    struct Key: Hashable {
        var worker: String
        var connection: Int
    }

    /// What a released statement came to.
    enum Settled {
        /// The answer arrived and waits at the proxy (for `delayMillis` of virtual time, a fault).
        case answered(delayMillis: Int)
        /// The proxy finished it without an after point (an injected error, a cut, a lost answer).
        case finished
        /// The connection closed.
        case closed
        /// It waits on locks these handler sessions hold.
        case blocked(Set<Int32>)
        /// Neither answered nor waiting on a handler's lock for the answer timeout, or the server
        /// could not be asked.
        case lost(String)
    }

    private enum Stage: Equatable {
        case idle
        case heldBefore(delayMillis: Int)
        case released
        case heldAfter(delayMillis: Int)
        case answerReleased
        case finished
        case closed
    }

    private struct Connection {
        var stage = Stage.idle
        var backend: Int32?
        var secretKey: [UInt8] = []
        /// The child is gone or the run stops: a hold ends in a cut.
        var cut = false
    }

    private struct Parked {
        let key: Key
        var blockers: Set<Int32>
        let continuation: UnsafeContinuation<Settled, Never>
    }

    private let lock = NSCondition()
    private var connections: [Key: Connection] = [:]
    private var doorbells: [String: (read: Int32, write: Int32)] = [:]
    private var stopped = false
    // The driver's alone.
    private var parked: [Parked] = []
    private let store: PostgresStore
    private var monitor: PostgresConnection?
    private let answerTimeoutMillis: Int
    /// Sends a CancelRequest for a server process; the wire sets it once its proxy exists.
    private var cancel: (@Sendable (Int32, [UInt8]) -> Void)?
    /// Statements that had to wait on another handler's lock.
    private(set) var lockWaits = 0

    init(store: PostgresStore) {
        self.store = store
        answerTimeoutMillis = Int(store.answerTimeoutMillis)
    }

    deinit {
        for doorbell in doorbells.values {
            Glibc.close(doorbell.read)
            Glibc.close(doorbell.write)
        }
    }

    func cancelling(with cancel: @escaping @Sendable (Int32, [UInt8]) -> Void) {
        lock.lock()
        self.cancel = cancel
        lock.unlock()
    }

    // MARK: the proxy's threads

    /// At a before point: waits until the worker's lane releases the statement. False: cut it (the
    /// child is gone or the run stops).
    func holdBefore(_ key: Key, delayMillis: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, connections[key]?.cut != true else { return false }
        connections[key, default: Connection()].stage = .heldBefore(delayMillis: delayMillis)
        ring(key.worker)
        lock.broadcast()
        while true {
            if stopped || connections[key]?.cut != false { return false }
            if connections[key]?.stage == .released { return true }
            lock.wait()
        }
    }

    /// At an after point: the answer waits until the lane lets it go.
    func holdAfter(_ key: Key, delayMillis: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, connections[key]?.cut != true else { return false }
        connections[key, default: Connection()].stage = .heldAfter(delayMillis: delayMillis)
        lock.broadcast()
        while true {
            if stopped || connections[key]?.cut != false { return false }
            if connections[key]?.stage == .answerReleased { return true }
            lock.wait()
        }
    }

    func finished(_ key: Key) {
        update(key) { $0.stage = .finished }
    }

    func backend(_ key: Key, processID: Int32, secretKey: [UInt8]) {
        update(key) {
            $0.backend = processID
            $0.secretKey = secretKey
        }
    }

    func closed(_ key: Key) {
        update(key) { $0.stage = .closed }
    }

    private func update(_ key: Key, _ change: (inout Connection) -> Void) {
        lock.lock()
        change(&connections[key, default: Connection()])
        lock.broadcast()
        lock.unlock()
    }

    /// The lane's doorbell rings once for each statement held for it. Called with the lock held.
    private func ring(_ worker: String) {
        var byte: UInt8 = 1
        _ = write(doorbell(locked: worker).write, &byte, 1)
    }

    private func doorbell(locked worker: String) -> (read: Int32, write: Int32) {
        if let doorbell = doorbells[worker] { return doorbell }
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { preconditionFailure("pipe: \(String(cString: strerror(errno)))") }
        for descriptor in descriptors {
            // The children must not inherit it; the lane's answer of a ring never blocks.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        doorbells[worker] = (descriptors[0], descriptors[1])
        return (descriptors[0], descriptors[1])
    }

    /// Ends every hold in a cut: the run is over.
    func stop() {
        lock.lock()
        stopped = true
        lock.broadcast()
        lock.unlock()
    }

    // MARK: the driver

    /// What a lane polls beside its child's stdout: readable while a statement is held for it.
    func doorbell(for worker: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        return doorbell(locked: worker).read
    }

    /// After the doorbell woke the lane: the statement held for it (its lowest connection's, if
    /// the child sent on two), the ring answered. Nil when none is held (it was cut since).
    func takeHeld(worker: String) -> (key: Key, delayMillis: Int)? {
        lock.lock()
        defer { lock.unlock() }
        var byte: UInt8 = 0
        _ = read(doorbell(locked: worker).read, &byte, 1)
        let held = connections.compactMap { key, connection -> (Key, Int)? in
            guard key.worker == worker, case .heldBefore(let delay) = connection.stage else { return nil }
            return (key, delay)
        }.min { $0.0.connection < $1.0.connection }
        guard let held else { return nil }
        return (held.0, held.1)
    }

    /// Sends the held statement on and waits until it settles.
    func release(_ key: Key) -> Settled {
        update(key) { $0.stage = .released }
        return settled(key, cancelIfCycle: true)
    }

    /// Lets the held answer go to the child and waits until the proxy has recorded the statement.
    func releaseAnswer(_ key: Key) {
        lock.lock()
        defer { lock.unlock() }
        connections[key]?.stage = .answerReleased
        lock.broadcast()
        let deadline = Date().addingTimeInterval(Double(answerTimeoutMillis) / 1_000)
        while let stage = connections[key]?.stage, stage == .answerReleased, !stopped, lock.wait(until: deadline) {}
    }

    /// Parks the lane of a blocked statement until settling finds it answered.
    func park(_ key: Key, blockers: Set<Int32>, _ continuation: UnsafeContinuation<Settled, Never>) {
        assert(DriverThread.isCurrent, "lanes park on the driver thread")
        lockWaits += 1
        parked.append(Parked(key: key, blockers: blockers, continuation: continuation))
    }

    /// After an answer or a death: every parked statement is waited for until it is answered (its
    /// lane wakes, in the order they parked) or waits again.
    func settleParked() {
        guard !parked.isEmpty else { return }
        var still: [Parked] = []
        var waking: [(UnsafeContinuation<Settled, Never>, Settled)] = []
        // One question for all of them first: a statement still waiting on a handler's lock
        // stays parked without the millisecond `settled` would first wait for its answer.
        let waiting = stillWaiting()
        for var entry in parked {
            if let blockers = waiting[entry.key] {
                entry.blockers = blockers
                still.append(entry)
                continue
            }
            switch settled(entry.key, cancelIfCycle: false) {
            case .blocked(let blockers):
                entry.blockers = blockers
                still.append(entry)
            case let other:
                waking.append((entry.continuation, other))
            }
        }
        parked = still
        for (continuation, settled) in waking { continuation.resume(returning: settled) }
    }

    /// The parked statements that are neither answered nor closed and wait on handler sessions
    /// now, with those sessions; empty when the server cannot be asked (each is then settled alone).
    private func stillWaiting() -> [Key: Set<Int32>] {
        let (unanswered, handlerBackends): ([Int32: Key], Set<Int32>) = lock.withLock {
            var unanswered: [Int32: Key] = [:]
            for entry in parked {
                if let connection = connections[entry.key], connection.stage == .released, let backend = connection.backend {
                    unanswered[backend] = entry.key
                }
            }
            return (unanswered, Set(connections.values.compactMap { $0.stage == .closed ? nil : $0.backend }))
        }
        guard !unanswered.isEmpty else { return [:] }
        let list = unanswered.keys.sorted().map(String.init).joined(separator: ",")
        // Process ids are numbers the server sent, not scenario text: safe to write into the query.
        guard let rows = try? monitorRows("SELECT p, unnest(pg_blocking_pids(p)) FROM unnest(ARRAY[\(list)]::int[]) AS p") else { return [:] }
        var waiting: [Key: Set<Int32>] = [:]
        for row in rows {
            guard row.count == 2, case .integer(let waiter) = row[0], case .integer(let blocker) = row[1],
                  let key = unanswered[Int32(waiter)], blocker != waiter, handlerBackends.contains(Int32(blocker)) else { continue }
            waiting[key, default: []].insert(Int32(blocker))
        }
        // Answered meanwhile: `settled` says so.
        return lock.withLock { waiting.filter { connections[$0.key]?.stage == .released } }
    }

    /// The driver has nothing runnable: a parked statement may still finish in real time (it
    /// waited on a lock outside the handlers, or the server ended it). True when one woke.
    func waitForParked() -> Bool {
        guard !parked.isEmpty else { return false }
        let before = parked.count
        settleParked()
        return parked.count < before
    }

    /// `worker`'s child died or was killed: its held statements are cut, and nothing else runs
    /// until the server has ended its sessions (rolled back what they held); then the parked
    /// statements settle.
    func childGone(worker: String) {
        lock.lock()
        let keys = connections.keys.filter { $0.worker == worker }
        for key in keys { connections[key]!.cut = true }
        lock.broadcast()
        let deadline = Date().addingTimeInterval(Double(answerTimeoutMillis) / 1_000)
        while keys.contains(where: { connections[$0]?.stage != .closed }), lock.wait(until: deadline) {}
        let gone = keys.compactMap { connections[$0] }
        for key in keys { connections[key] = nil }
        var byte: UInt8 = 0
        while read(doorbell(locked: worker).read, &byte, 1) == 1 {}
        let cancel = cancel
        lock.unlock()
        var waitedMillis = 0
        for connection in gone {
            guard let backend = connection.backend else { continue }
            while waitedMillis < answerTimeoutMillis, (try? isAlive(backend)) ?? false {
                // A backend waiting on a lock notices a closed socket only when it is granted.
                if waitedMillis == 50 { cancel?(backend, connection.secretKey) }
                usleep(1_000)
                waitedMillis += 1
            }
        }
        settleParked()
    }

    func closeMonitor() {
        monitor?.close()
        monitor = nil
    }

    /// Waits while a released statement runs: answered, finished, closed, or blocked by handler
    /// sessions. With `cancelIfCycle`, a wait that closes a cycle through the parked statements is
    /// cancelled and its answer (the cancellation's error) waited for.
    private func settled(_ key: Key, cancelIfCycle: Bool) -> Settled {
        var stepMillis = 1
        var waitedMillis = 0
        var cancelled = false
        while true {
            lock.lock()
            let deadline = Date().addingTimeInterval(Double(stepMillis) / 1_000)
            while connections[key]?.stage == .released, !stopped, lock.wait(until: deadline) {}
            let connection = connections[key]
            let others = Set(connections.compactMap { other, state in other != key && state.stage != .closed ? state.backend : nil })
            let isStopped = stopped
            lock.unlock()
            switch connection?.stage {
            case .heldAfter(let delay)?: return .answered(delayMillis: delay)
            case .finished?: return .finished
            case .closed?, nil: return .closed
            default: break
            }
            if isStopped { return .closed }
            waitedMillis += stepMillis
            if let backend = connection?.backend, !cancelled {
                let blockers: Set<Int32>
                do {
                    blockers = try blockingProcessIDs(backend)
                } catch {
                    return .lost("the simulation could not ask the server who waits on whom: \(error.message)")
                }
                let ours = blockers.intersection(others)
                if !ours.isEmpty {
                    guard cancelIfCycle, closesCycle(backend, ours) else { return .blocked(ours) }
                    cancelled = true
                    cancel?(backend, connection?.secretKey ?? [])
                }
            }
            if waitedMillis >= answerTimeoutMillis {
                return .lost("a handler's statement was neither answered nor waiting on another handler's lock for "
                    + "\(answerTimeoutMillis / 1_000) s (a lock held outside the handlers, or a server that is gone)")
            }
            stepMillis = min(stepMillis * 2, 20)
        }
    }

    private func closesCycle(_ processID: Int32, _ blockers: Set<Int32>) -> Bool {
        let backends = lock.withLock { Dictionary(connections.compactMap { key, state in state.backend.map { (key, $0) } }, uniquingKeysWith: { a, _ in a }) }
        var seen = Set<Int32>()
        var frontier = Array(blockers)
        while let next = frontier.popLast() {
            if next == processID { return true }
            guard seen.insert(next).inserted else { continue }
            for entry in parked where backends[entry.key] == next { frontier += entry.blockers }
        }
        return false
    }

    /// The process id is a number the server sent, not scenario text: safe to write into the query.
    private func blockingProcessIDs(_ processID: Int32) throws(StoreError) -> Set<Int32> {
        Set(try monitorRows("SELECT unnest(pg_blocking_pids(\(processID)))").compactMap { row in
            if case .integer(let value) = row.first { Int32(value) } else { nil }
        })
    }

    private func isAlive(_ processID: Int32) throws(StoreError) -> Bool {
        try !monitorRows("SELECT 1 FROM pg_stat_activity WHERE pid = \(processID)").isEmpty
    }

    private func monitorRows(_ sql: String) throws(StoreError) -> [[SQLValue]] {
        if monitor == nil { monitor = try store.openMonitor() }
        return try monitor!.rows(sql)
    }
}
