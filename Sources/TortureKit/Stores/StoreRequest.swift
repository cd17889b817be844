/// One call on a connection, as a value: what a processor asks of its store, and what the
/// simulation sends to a server without waiting for the answer.
public enum StoreRequest: Sendable {
    case execute(SQLTemplate, StatementParameters)
    case begin(IsolationLevel)
    case commit

    /// Runs it and waits for the answer: the way of threads, and of embedded stores.
    public func run(on connection: any StoreConnection) throws(StoreError) -> StatementResult {
        switch self {
        case .execute(let statement, let parameters):
            return try connection.execute(statement, parameters)
        case .begin(let isolation):
            try connection.begin(isolation)
        case .commit:
            try connection.commit()
        }
        return StatementResult(rowsAffected: 0, rows: [])
    }
}

/// How a server store runs under the one-thread simulation, the way PostgreSQL's isolation tester
/// drives real sessions: a statement is sent without waiting; while it runs the driver waits for
/// it (a slow statement is waited for, never guessed blocked from time); when the server says it
/// waits on a lock another session holds, its lane parks and the driver runs another; after
/// anything that may release locks, every parked statement is waited for until it has finished
/// or is still blocked, so the server's state at each step is a function of the interleaving.
public protocol ServerSessions: AnyObject, Sendable {
    /// Sends `request` on `connection` and returns its answer, parking the calling lane while the
    /// server reports the statement waiting on a lock.
    nonisolated(nonsending) func perform(_ request: StoreRequest, on connection: any StoreConnection) async throws(StoreError)
        -> StatementResult
    /// After `connection`'s transaction was rolled back elsewhere: the parked statements that
    /// waited on its session go again, in the order they parked.
    func settle(after connection: any StoreConnection)
    /// Closes a processor's connection (a crash, a reset) and waits until the server has ended
    /// its session — rolled back what it held — before settling: a closed socket alone says
    /// nothing of when the server notices.
    func disconnect(_ connection: any StoreConnection)
    /// The driver has nothing runnable: waits in real time for a parked statement to finish (a
    /// deadlock victim, a lock timeout) and wakes it. False when none is parked or none finishes.
    func waitForParked() -> Bool
    /// The end of the run: closes what the sessions opened for themselves.
    func close()
    /// Statements that had to wait on another session's lock and were parked, so far.
    var lockWaits: Int { get }
}
