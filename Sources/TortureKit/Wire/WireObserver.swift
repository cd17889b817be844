/// What torture plugs into a `WireProxy`: asked at each point of each statement what to do, and
/// told how each statement ended. Called on the proxy's connection threads, blocking: a slow
/// answer holds that one connection, never another.
public protocol WireObserver: Sendable {
    /// A connection finished its startup message (before authentication).
    func opened(worker: String, connection: Int, startup: WireStartup)
    /// What to do at `point` of `statement` on `worker`'s connection number `connection`.
    func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction
    /// Each statement that finished: answered, failed, or cut off by a fault.
    func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome)
    /// The server named the process that serves the connection, and the key that cancels its
    /// statements (BackendKeyData).
    func backend(worker: String, connection: Int, processID: Int32, secretKey: [UInt8])
    /// The connection ended: both sockets are closed.
    func closed(worker: String, connection: Int)
}

extension WireObserver {
    public func opened(worker: String, connection: Int, startup: WireStartup) {}
    public func backend(worker: String, connection: Int, processID: Int32, secretKey: [UInt8]) {}
    public func closed(worker: String, connection: Int) {}
}

/// Where a statement is held while the observer decides. A COMMIT gets the commit points instead
/// of the statement points, never both.
public enum WirePoint: Sendable, Equatable {
    /// The client sent the statement; the server has not seen it.
    case beforeStatement
    /// The server's answer (CommandComplete or ErrorResponse) arrived; the client has not seen it.
    case afterStatement
    case beforeCommit
    /// The server's answer to COMMIT arrived: the commit landed (or, answered ROLLBACK, did not).
    case afterCommit
}

/// What the proxy does at a point.
public enum WireAction: Sendable, Equatable {
    case forward
    /// Hold the statement or its answer this long, then carry on.
    case delay(millis: Int)
    /// Close both sockets now: the server rolls back an open transaction, the client sees its
    /// connection die.
    case reset
    /// The lost acknowledgement: the statement reaches the server and its answer arrives, but the
    /// client never gets it — both sockets close instead. At an after point the answer is dropped
    /// there; at a before point the statement is forwarded and its answer dropped when it comes.
    case loseAnswer
    /// At a before point: the statement is not run; the client gets an ErrorResponse with this
    /// SQLSTATE and message, raised by the server itself in the statement's place, so the
    /// server's transaction fails exactly as the client is told it did. At an after point: forward.
    case error(sqlState: String, message: String)
}

/// One statement as the proxy saw it: a simple Query, or an Execute of the text its portal was
/// bound from.
public struct WireStatement: Sendable, Equatable {
    /// 1, 2, … per connection.
    public var number: Int
    public var text: String
    public var isCommit: Bool
    /// When the client's message arrived, on the proxy's clock.
    public var startedNanos: UInt64

    public init(number: Int, text: String, isCommit: Bool, startedNanos: UInt64) {
        self.number = number
        self.text = text
        self.isCommit = isCommit
        self.startedNanos = startedNanos
    }
}

/// How a statement ended, as the proxy saw it. Times are from the client's message to the
/// server's answer.
public enum WireOutcome: Sendable, Equatable {
    /// CommandComplete's tag (`INSERT 0 1`, `COMMIT`) and the rows it counts, if it counts any.
    case completed(tag: String, rows: Int?, micros: Int)
    case failed(sqlState: String, message: String, micros: Int)
    /// Cut before its answer came: at a before point it never reached the server.
    case reset
    /// The server answered (`tag`: the CommandComplete tag, or `ERROR <SQLSTATE>`) and the client
    /// never heard: for a COMMIT tagged `COMMIT`, the commit landed.
    case answerLost(tag: String)
}

/// The StartupMessage's parameters, as the client sent them.
public struct WireStartup: Sendable, Equatable {
    public var parameters: [String: String]

    public var user: String? { parameters["user"] }
    public var database: String? { parameters["database"] }
    public var applicationName: String? { parameters["application_name"] }
    public var options: String? { parameters["options"] }

    public init(parameters: [String: String]) {
        self.parameters = parameters
    }
}
