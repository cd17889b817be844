/// One proxied connection's protocol: bytes in from either side, effects out. It owns no socket,
/// so a test drives it message by message; `WireConnection` carries its effects out.
///
/// Startup (SSLRequest / GSSENCRequest answered `N`, CancelRequest forwarded, StartupMessage read
/// for the record) and authentication pass through untouched; from the first ReadyForQuery on,
/// every message is framed and statements are followed.
struct WireConversation {
    let worker: String
    private let observer: any WireObserver
    private let clock: any TortureClock
    private let takeConnectionNumber: () -> Int
    /// 0 until the StartupMessage: a CancelRequest's connection takes no number.
    private(set) var connection = 0
    private var phase = Phase.startup
    /// False while the proxy has the server raise an injected error: nothing of the client's may
    /// reach the server before it.
    private(set) var readsClient = true
    private var clientBytes = WireFramer()
    private var serverBytes = WireFramer()
    private var awaited: [WireAwaited] = []
    private var preparedTexts: [String: String] = [:]
    private var portalTexts: [String: String] = [:]
    private var statementCount = 0
    /// After an Execute the proxy failed, the client's messages up to its Sync: the server would
    /// skip them after an error, so they are not sent.
    private var discardingUntilSync = false
    /// A simple Query's latest answer and what followed it: only its ReadyForQuery shows it was the
    /// last, and the after point is at the last.
    private var held: [UInt8] = []
    private static let heldLimitBytes = 1 << 20
    /// The last ReadyForQuery's: `I` idle, `T` in a transaction, `E` in a failed one.
    private(set) var transactionStatus = UInt8(ascii: "I")

    private enum Phase {
        case startup, cancelling, authenticating, ready, closed
    }

    init(worker: String, observer: any WireObserver, clock: any TortureClock, takeConnectionNumber: @escaping () -> Int) {
        self.worker = worker
        self.observer = observer
        self.clock = clock
        self.takeConnectionNumber = takeConnectionNumber
    }

    mutating func fromClient(_ bytes: some Collection<UInt8>) throws(WireProtocolViolation) -> [WireEffect] {
        clientBytes.append(bytes)
        return try drainClient()
    }

    mutating func fromServer(_ bytes: some Collection<UInt8>) throws(WireProtocolViolation) -> [WireEffect] {
        serverBytes.append(bytes)
        var effects: [WireEffect] = []
        while phase != .closed, let message = try serverBytes.next() {
            effects += try phase == .ready ? serverMessage(message) : authenticationMessage(message)
            if effects.last == .cut { phase = .closed }
        }
        return effects
    }

    /// The server closed the connection: what it said last (a FATAL error, often) still goes to
    /// the client, and a statement it answered before closing is finished.
    mutating func serverClosed() -> [WireEffect] {
        phase = .closed
        if case .statement(let pending)? = awaited.first, pending.answer != nil {
            observer.finished(worker: worker, connection: connection, statement: pending.statement, outcome: pending.outcome)
        }
        awaited = []
        defer { held = [] }
        return held.isEmpty ? [] : [.toClient(held)]
    }

    /// Both sockets are closed: the observer hears it once, for a connection that had a number.
    mutating func ended() {
        guard connection > 0, phase != .cancelling else { return }
        let number = connection
        connection = 0
        observer.closed(worker: worker, connection: number)
    }

    // MARK: the client's side

    private mutating func drainClient() throws(WireProtocolViolation) -> [WireEffect] {
        var effects: [WireEffect] = []
        while readsClient, phase != .closed {
            if phase == .startup {
                guard let packet = try clientBytes.nextStartupPacket() else { break }
                effects += try startupPacket(packet)
            } else {
                guard let message = try clientBytes.next() else { break }
                effects += phase == .ready ? clientMessage(message) : [.toServer(message.bytes)]
            }
            if effects.last == .cut { phase = .closed }
        }
        return effects
    }

    private mutating func startupPacket(_ packet: [UInt8]) throws(WireProtocolViolation) -> [WireEffect] {
        let code = UInt32(bigEndianBytes: packet[4..<8])
        switch code {
        case 80_877_103, 80_877_104:
            // SSLRequest, GSSENCRequest: the proxy speaks plain text only; the client goes on unencrypted.
            return [.toClient([UInt8(ascii: "N")])]
        case 80_877_102:
            // CancelRequest: the key in it is the server's own (BackendKeyData passes unchanged).
            phase = .cancelling
            readsClient = false
            return [.toServer(packet)]
        case _ where code >> 16 == 3:
            connection = takeConnectionNumber()
            observer.opened(worker: worker, connection: connection, startup: Self.startup(packet))
            phase = .authenticating
            return [.toServer(packet)]
        default:
            throw WireProtocolViolation(description: "startup code \(code) is not protocol 3 (a direct TLS handshake?)")
        }
    }

    private static func startup(_ packet: [UInt8]) -> WireStartup {
        var reader = WireBodyReader(Array(packet[8...]))
        var parameters: [String: String] = [:]
        while !reader.isAtEnd {
            let name = reader.cString()
            guard !name.isEmpty else { break }
            parameters[name] = reader.cString()
        }
        return WireStartup(parameters: parameters)
    }

    private mutating func clientMessage(_ message: WireMessage) -> [WireEffect] {
        var reader = WireBodyReader(message.body)
        if discardingUntilSync {
            guard message.type == UInt8(ascii: "S") else { return [] }
            discardingUntilSync = false
            readsClient = false
            awaited.append(.readyForQuery)
            return [.toServer(message.bytes)]
        }
        switch message.type {
        case UInt8(ascii: "Q"):
            return statement(reader.cString(), isSimple: true, message)
        case UInt8(ascii: "P"):
            let name = reader.cString()
            preparedTexts[name] = reader.cString()
        case UInt8(ascii: "B"):
            let portal = reader.cString()
            portalTexts[portal] = preparedTexts[reader.cString()] ?? ""
        case UInt8(ascii: "E"):
            return statement(portalTexts[reader.cString()] ?? "", isSimple: false, message)
        case UInt8(ascii: "S"), UInt8(ascii: "F"):
            awaited.append(.readyForQuery)
        default:
            break
        }
        return [.toServer(message.bytes)]
    }

    private mutating func statement(_ text: String, isSimple: Bool, _ message: WireMessage) -> [WireEffect] {
        statementCount += 1
        let statement = WireStatement(number: statementCount, text: text, isCommit: WireStatementText.isCommit(text),
                                      startedNanos: clock.nowNanos())
        var pending = WirePendingStatement(statement: statement, isSimple: isSimple)
        let point: WirePoint = statement.isCommit ? .beforeCommit : .beforeStatement
        switch observer.action(worker: worker, connection: connection, point: point, statement: statement) {
        case .forward:
            return send(pending, message)
        case .delay(let millis):
            return [.pause(millis: millis)] + send(pending, message)
        case .loseAnswer:
            pending.losesAnswer = true
            return send(pending, message)
        case .reset:
            observer.finished(worker: worker, connection: connection, statement: statement, outcome: .reset)
            return [.cut]
        case .error(let sqlState, let errorMessage):
            pending.isInjected = true
            guard isSimple else {
                pending.isSimple = true  // it will be answered as the raising simple Query is
                awaited.append(.injection(pending, sqlState: sqlState, message: errorMessage))
                discardingUntilSync = true
                return []
            }
            awaited += [.statement(pending), .readyForQuery]
            return [.toServer(WireMessage.query(WireStatementText.raising(sqlState: sqlState, message: errorMessage)).bytes)]
        }
    }

    private mutating func send(_ pending: WirePendingStatement, _ message: WireMessage) -> [WireEffect] {
        awaited.append(.statement(pending))
        if pending.isSimple { awaited.append(.readyForQuery) }
        return [.toServer(message.bytes)]
    }

    // MARK: the server's side

    private mutating func authenticationMessage(_ message: WireMessage) -> [WireEffect] {
        if message.type == UInt8(ascii: "K"), message.body.count >= 8 {
            let processID = Int32(bitPattern: UInt32(bigEndianBytes: message.body[0..<4]))
            observer.backend(worker: worker, connection: connection, processID: processID, secretKey: Array(message.body[4...]))
        }
        if message.type == UInt8(ascii: "Z") {
            transactionStatus = message.body.first ?? transactionStatus
            phase = .ready
        }
        return [.toClient(message.bytes)]
    }

    private mutating func serverMessage(_ message: WireMessage) throws(WireProtocolViolation) -> [WireEffect] {
        switch message.type {
        case UInt8(ascii: "C"):
            var reader = WireBodyReader(message.body)
            return answer(.completed(tag: reader.cString()), message)
        case UInt8(ascii: "I"):
            return answer(.completed(tag: ""), message)
        case UInt8(ascii: "E"):
            let fields = WireStatementText.errorFields(message.body)
            return answer(.failed(sqlState: fields.sqlState, message: fields.message), message)
        case UInt8(ascii: "s"):
            // PortalSuspended: an Execute with a row limit stopped early; the client's next Execute
            // of the portal is a statement of its own.
            if case .statement(let pending)? = awaited.first, !pending.isSimple { awaited.removeFirst() }
            return emit(message.bytes)
        case UInt8(ascii: "Z"):
            return try readyForQuery(message)
        default:
            return emit(message.bytes)
        }
    }

    /// A CommandComplete, EmptyQueryResponse or ErrorResponse.
    private mutating func answer(_ answer: WirePendingStatement.Answer, _ message: WireMessage) -> [WireEffect] {
        let isError = if case .failed = answer { true } else { false }
        guard case .statement(var pending)? = awaited.first else {
            // No statement awaits it: an error in a Parse or a Bind, or a FATAL one.
            if isError { skipToReadyForQuery() }
            return emit(message.bytes)
        }
        pending.answer = answer
        pending.answeredNanos = clock.nowNanos()
        if pending.isSimple {
            awaited[0] = .statement(pending)
            let earlier = held
            held = message.bytes
            return earlier.isEmpty ? [] : [.toClient(earlier)]
        }
        awaited.removeFirst()
        // After an error the server skips every message up to the Sync.
        if isError { skipToReadyForQuery() }
        return afterPoint(pending, answer: message.bytes)
    }

    private mutating func readyForQuery(_ message: WireMessage) throws(WireProtocolViolation) -> [WireEffect] {
        transactionStatus = message.body.first ?? transactionStatus
        var effects: [WireEffect] = []
        if case .statement(let pending)? = awaited.first, pending.isSimple {
            awaited.removeFirst()
            let answer = held + message.bytes
            held = []
            effects = afterPoint(pending, answer: answer)
            if effects.last == .cut { return effects }
        } else {
            effects = [.toClient(message.bytes)]
        }
        var injection: (pending: WirePendingStatement, sqlState: String, message: String)?
        while !awaited.isEmpty {
            let first = awaited.removeFirst()
            if case .readyForQuery = first { break }
            if case .injection(let pending, let sqlState, let message) = first { injection = (pending, sqlState, message) }
        }
        if let injection {
            // This ReadyForQuery answered the Sync: the raised error and its own ReadyForQuery
            // answer it for the client instead.
            awaited += [.statement(injection.pending), .readyForQuery]
            let raising = WireStatementText.raising(sqlState: injection.sqlState, message: injection.message)
            return [.toServer(WireMessage.query(raising).bytes)]
        }
        guard !readsClient else { return effects }
        readsClient = true
        return effects + (try drainClient())
    }

    private mutating func skipToReadyForQuery() {
        while let first = awaited.first {
            if case .readyForQuery = first { return }
            awaited.removeFirst()
        }
    }

    /// What the server sent the client goes out, or into `held` while a simple Query's answer is held.
    private mutating func emit(_ bytes: [UInt8]) -> [WireEffect] {
        guard !held.isEmpty else { return [.toClient(bytes)] }
        held += bytes
        guard held.count > Self.heldLimitBytes else { return [] }
        // Megabytes after an answer: it was not the Query's last one.
        defer { held = [] }
        return [.toClient(held)]
    }

    private func afterPoint(_ pending: WirePendingStatement, answer: [UInt8]) -> [WireEffect] {
        let statement = pending.statement
        if pending.isInjected {
            observer.finished(worker: worker, connection: connection, statement: statement, outcome: pending.outcome)
            return [.toClient(answer)]
        }
        let action: WireAction = pending.losesAnswer ? .loseAnswer : observer.action(
            worker: worker, connection: connection, point: statement.isCommit ? .afterCommit : .afterStatement, statement: statement)
        switch action {
        case .forward, .error:
            observer.finished(worker: worker, connection: connection, statement: statement, outcome: pending.outcome)
            return [.toClient(answer)]
        case .delay(let millis):
            observer.finished(worker: worker, connection: connection, statement: statement, outcome: pending.outcome)
            return [.pause(millis: millis), .toClient(answer)]
        case .reset, .loseAnswer:
            // After the answer came, a reset is a lost answer: the server did the work.
            observer.finished(worker: worker, connection: connection, statement: statement,
                              outcome: .answerLost(tag: pending.answerTag))
            return [.cut]
        }
    }
}
