internal import CLibPQ
import Foundation

/// One libpq connection. Not thread-safe by design: its processor is the only caller (so its
/// caches skip the runtime exclusivity check). Every call sends, then waits for the answer with
/// `poll`, so a server that stops answering turns into `unavailable` after `answerTimeoutMillis`
/// instead of a thread blocked for good.
final class PostgresConnection: StoreConnection {
    private var handle: OpaquePointer?
    /// Statement text → server-side prepared statement name: a processor runs the same few
    /// statements thousands of times, so each is parsed and planned once per connection.
    @exclusivity(unchecked) private var preparedNames: [PreparedKey: String] = [:]
    private let answerTimeoutMillis: Int32
    /// The password-free name of the server, for messages.
    private let serverName: String
    /// A request sent by `send` whose answer `receive` has not taken yet.
    @exclusivity(unchecked) private var pending: (request: StoreRequest, action: String)?

    init(keywords: [(String, String)], answerTimeoutMillis: Int32, serverName: String) throws(StoreError) {
        self.answerTimeoutMillis = answerTimeoutMillis
        self.serverName = serverName
        let names = CStringArray(keywords.map(\.0))
        let values = CStringArray(keywords.map(\.1))
        let opened = PQconnectdbParams(names.pointers, values.pointers, 0)
        guard let opened, PQstatus(opened) == CONNECTION_OK else {
            let reason = opened.map { Self.firstLine(PQerrorMessage($0)) } ?? "libpq could not allocate a connection"
            PQfinish(opened)
            throw .unavailable("cannot connect to \(serverName): \(reason)")
        }
        // libpq prints notices (e.g. "drop cascades to 2 other objects") on stderr by default.
        PQsetNoticeProcessor(opened, { _, _ in }, nil)
        handle = opened
    }

    deinit {
        close()
    }

    func execute(_ statement: SQLTemplate, _ parameters: StatementParameters) throws(StoreError) -> StatementResult {
        let name = try preparedName(statement, types: PostgresParameterTypes.oids(of: statement, parameters))
        let handle = try liveHandle()
        let values = CStringArray(statement.parameters.map { parameters.value(of: $0).postgresText })
        let sent = PQsendQueryPrepared(handle, name, Int32(values.count), values.pointers, nil, nil, 0)
        let result = try answer(sent: sent, while: "running `\(statement.source)`")
        defer { PQclear(result) }
        return Self.statementResult(result)
    }

    func prepare(_ statement: SQLTemplate) throws(StoreError) {
        try prepare(statement, stepTypes: [:])
    }

    func prepare(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError) {
        _ = try preparedName(statement, types: Self.parameterTypes(of: statement, stepTypes))
    }

    func resultColumns(of statement: SQLTemplate) throws(StoreError) -> [String]? {
        try describe(statement, stepTypes: [:])?.map(\.name)
    }

    func describe(_ statement: SQLTemplate, stepTypes: [StepColumn: ColumnType]) throws(StoreError) -> [DescribedColumn]? {
        let name = try preparedName(statement, types: Self.parameterTypes(of: statement, stepTypes))
        let handle = try liveHandle()
        let result = try answer(sent: PQsendDescribePrepared(handle, name), while: "describing `\(statement.source)`")
        defer { PQclear(result) }
        return (0..<PQnfields(result)).map { column in
            DescribedColumn(name: String(cString: PQfname(result, column)), type: ColumnType(id: PQftype(result, column)))
        }
    }

    /// Before a run there are no values, only the types of the columns they will come from.
    private static func parameterTypes(of statement: SQLTemplate, _ stepTypes: [StepColumn: ColumnType]) -> [UInt32] {
        var parameters = StatementParameters.forChecks
        parameters.stepTypes = stepTypes
        return PostgresParameterTypes.oids(of: statement, parameters)
    }

    func executeScript(_ sql: String) throws(StoreError) {
        let handle = try liveHandle()
        let result = try answer(sent: PQsendQuery(handle, sql), while: "running a script")
        PQclear(result)
    }

    func begin(_ isolation: IsolationLevel) throws(StoreError) {
        try executeScript(Self.beginCommand(isolation))
    }

    private static func beginCommand(_ isolation: IsolationLevel) -> String {
        let level = switch isolation {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
        return "BEGIN ISOLATION LEVEL \(level)"
    }

    func commit() throws(StoreError) {
        let handle = try liveHandle()
        let result = try answer(sent: PQsendQuery(handle, "COMMIT"), while: "committing")
        defer { PQclear(result) }
        try Self.checkCommitted(result)
    }

    /// COMMIT of a transaction that already failed answers `ROLLBACK` without an error: that is a
    /// failed commit, not a successful one.
    private static func checkCommitted(_ result: OpaquePointer) throws(StoreError) {
        if String(cString: PQcmdStatus(result)) == "ROLLBACK" {
            throw .other("[25P02] COMMIT rolled back a transaction that had already failed", sqlState: "25P02")
        }
    }

    func rollback() throws(StoreError) {
        let handle = try liveHandle()
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            return
        case PQTRANS_UNKNOWN:
            throw .unavailable("the connection to \(serverName) is lost")
        default:
            let result = try answer(sent: PQsendQuery(handle, "ROLLBACK"), while: "rolling back")
            PQclear(result)
        }
    }

    /// One read-only snapshot for all the checks: a write is refused with SQLSTATE 25006.
    func beginReadOnly() throws(StoreError) {
        try executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }

    func endReadOnly() throws(StoreError) {
        try rollback()
    }

    func close() {
        PQfinish(handle)
        handle = nil
        pending = nil
        preparedNames.removeAll()
    }

    // MARK: Sent now, answered later (the simulation's sessions)

    /// The server process serving this connection: what `pg_blocking_pids` is asked about.
    var backendProcessID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// Sends a request without waiting for its answer (statements are prepared first, which never
    /// waits on a row lock).
    func send(_ request: StoreRequest) throws(StoreError) {
        var name: String?
        if case .execute(let statement, let parameters) = request {
            name = try preparedName(statement, types: PostgresParameterTypes.oids(of: statement, parameters))
        }
        try send(request, preparedAs: name)
    }

    /// `send` once an `execute`'s statement is prepared as `name`.
    private func send(_ request: StoreRequest, preparedAs name: String?) throws(StoreError) {
        precondition(pending == nil, "one request in flight per connection")
        let handle = try liveHandle()
        let action: String
        let sent: Int32
        switch request {
        case .execute(let statement, let parameters):
            guard let name else { preconditionFailure("a statement is prepared before it is sent") }
            let values = CStringArray(statement.parameters.map { parameters.value(of: $0).postgresText })
            action = "running `\(statement.source)`"
            sent = PQsendQueryPrepared(handle, name, Int32(values.count), values.pointers, nil, nil, 0)
        case .begin(let isolation):
            action = "beginning"
            sent = PQsendQuery(handle, Self.beginCommand(isolation))
        case .commit:
            action = "committing"
            sent = PQsendQuery(handle, "COMMIT")
        }
        guard sent == 1 else { throw failure(of: handle, while: action) }
        pending = (request, action)
    }

    /// `request` sent and its answer awaited without blocking the thread: `executor` runs the
    /// other processors until the socket is readable. How threads run on PostgreSQL when the
    /// handler never blocks; the first use of a statement is prepared the same way, as a parse
    /// can wait on a table lock another processor on the thread holds.
    nonisolated(nonsending) func perform(_ request: StoreRequest, on executor: PollingExecutor) async throws(StoreError) -> StatementResult {
        var name: String?
        if case .execute(let statement, let parameters) = request {
            switch try startPreparing(statement, types: PostgresParameterTypes.oids(of: statement, parameters)) {
            case .prepared(let known):
                name = known
            case .sent(let preparing):
                try await awaitAnswer(on: executor, while: preparing.action)
                name = try finishPreparing(preparing)
            }
        }
        try send(request, preparedAs: name)
        do {
            try await awaitAnswer(on: executor, while: pending?.action ?? "waiting")
        } catch {
            pending = nil
            throw error
        }
        return try receive()
    }

    /// Suspends until libpq has a whole result to hand out, or the server has been silent too long.
    private nonisolated(nonsending) func awaitAnswer(on executor: PollingExecutor, while action: String) async throws(StoreError) {
        let handle = try liveHandle()
        while PQisBusy(handle) == 1 {
            guard await executor.readable(PQsocket(handle), timeoutMillis: answerTimeoutMillis) else { throw wentSilent(while: action) }
            guard PQconsumeInput(handle) == 1 else { throw failure(of: handle, while: action) }
        }
    }

    /// Inside a transaction (idle in it, between statements).
    var inTransaction: Bool {
        handle.map { PQtransactionStatus($0) == PQTRANS_INTRANS } ?? false
    }

    /// Marks where a statement about to be sent starts, so it can be taken back if it has to wait.
    func savepoint() throws(StoreError) {
        try executeScript("SAVEPOINT torture_step")
    }

    /// Takes back the statement in flight: asks the server to cancel it and, inside a
    /// transaction, rolls back to the savepoint before it, so the transaction lives on as if the
    /// statement had not been sent. Returns the answer instead when the statement finished first.
    /// `cancel`: how the statement is cancelled when not by libpq's own request (which opens a
    /// connection for it, and the server forks a process to read it); false falls back to libpq's.
    func withdraw(cancelling cancel: () -> Bool = { false }) throws(StoreError) -> StatementResult? {
        let handle = try liveHandle()
        if !cancel(), let cancel = PQgetCancel(handle) {
            var reason = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &reason, Int32(reason.count))
            PQfreeCancel(cancel)
        }
        do {
            return try receive()
        } catch let error where error.sqlState == PostgresErrorClassifier.queryCanceled {
            if inTransaction || PQtransactionStatus(handle) == PQTRANS_INERROR { try executeScript("ROLLBACK TO SAVEPOINT torture_step") }
            return nil
        }
    }

    /// Whether the answer to what `send` sent has arrived, waiting at most `micros` for it.
    func answerArrived(waitingMicros micros: Int) throws(StoreError) -> Bool {
        let handle = try liveHandle()
        guard PQisBusy(handle) == 1 else { return true }
        // A wait of microseconds that ends as soon as the answer arrives.
        if torture_wait_readable(PQsocket(handle), micros) > 0 {
            guard PQconsumeInput(handle) == 1 else { throw failure(of: handle, while: pending?.action ?? "waiting") }
        }
        return PQisBusy(handle) == 0
    }

    /// The answer to what `send` sent (waiting for it if it has not arrived).
    func receive() throws(StoreError) -> StatementResult {
        guard let (request, action) = pending else { preconditionFailure("nothing was sent") }
        pending = nil
        let result = try answer(sent: 1, while: action)
        defer { PQclear(result) }
        if case .commit = request { try Self.checkCommitted(result) }
        return Self.statementResult(result)
    }

    /// One query's rows as text, for the store's own bookkeeping (capacity, schema checks).
    func rows(_ sql: String) throws(StoreError) -> [[SQLValue]] {
        let handle = try liveHandle()
        let result = try answer(sent: PQsendQuery(handle, sql), while: "running `\(sql)`")
        defer { PQclear(result) }
        return Self.statementResult(result).rows
    }

    private func liveHandle() throws(StoreError) -> OpaquePointer {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            throw .unavailable("the connection to \(serverName) is lost")
        }
        return handle
    }

    /// One server-side statement per text and parameter types: a value whose type differs from
    /// the one prepared before (a NULL no typed column gave) gets a statement of its own.
    private func preparedName(_ statement: SQLTemplate, types: [UInt32]) throws(StoreError) -> String {
        switch try startPreparing(statement, types: types) {
        case .prepared(let name): name
        case .sent(let preparing): try finishPreparing(preparing)
        }
    }

    private enum Preparation {
        case prepared(String)
        case sent(Preparing)
    }

    private struct Preparing {
        let key: PreparedKey
        let name: String
        let action: String
    }

    /// The statement's prepared name, or the Parse sent for it: its answer is waited for (blocking
    /// or not), then `finishPreparing` records the name.
    private func startPreparing(_ statement: SQLTemplate, types: [UInt32]) throws(StoreError) -> Preparation {
        let key = PreparedKey(text: statement.postgresText, types: types)
        if let name = preparedNames[key] { return .prepared(name) }
        let handle = try liveHandle()
        let preparing = Preparing(
            key: key, name: "torture_\(preparedNames.count + 1)", action: "preparing `\(key.text)`\(Self.typesNote(statement, types))")
        guard PQsendPrepare(handle, preparing.name, key.text, Int32(types.count), types) == 1 else {
            throw failure(of: handle, while: preparing.action)
        }
        return .sent(preparing)
    }

    private func finishPreparing(_ preparing: Preparing) throws(StoreError) -> String {
        PQclear(try answer(sent: 1, while: preparing.action))
        preparedNames[preparing.key] = preparing.name
        return preparing.name
    }

    private struct PreparedKey: Hashable {
        let text: String
        let types: [UInt32]
    }

    /// What each step value was typed as, for a refusal that may be about one of them.
    private static func typesNote(_ statement: SQLTemplate, _ types: [UInt32]) -> String {
        let named = zip(statement.parameters, types).enumerated().compactMap { slot, pair -> String? in
            guard pair.0.stepColumn != nil else { return nil }
            return "$\(slot + 1) = \(pair.0) as \(PostgresParameterTypes.name(of: pair.1))"
        }
        return named.isEmpty ? "" : " with " + named.joined(separator: ", ")
    }

    /// Waits for every result of what was just sent and returns the one that matters: the first
    /// error, or else the last result. The caller clears it.
    private func answer(sent: Int32, while action: String) throws(StoreError) -> OpaquePointer {
        guard let handle else { throw .unavailable("the connection to \(serverName) is closed") }
        guard sent == 1 else { throw failure(of: handle, while: action) }
        var last: OpaquePointer?
        var firstError: OpaquePointer?
        do {
            while true {
                try awaitReadable(handle, while: action)
                guard let result = PQgetResult(handle) else { break }
                let status = PQresultStatus(result)
                if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE, firstError == nil {
                    firstError = result
                } else {
                    PQclear(last)
                    last = result
                }
            }
        } catch {
            PQclear(last)
            PQclear(firstError)
            throw error
        }
        if let firstError {
            PQclear(last)
            defer { PQclear(firstError) }
            throw classify(firstError, while: action)
        }
        guard let last else { throw failure(of: handle, while: action) }
        return last
    }

    /// Blocks until libpq has a whole result to hand out, or the server has been silent too long.
    private func awaitReadable(_ handle: OpaquePointer, while action: String) throws(StoreError) {
        while PQisBusy(handle) == 1 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, answerTimeoutMillis)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { throw wentSilent(while: action) }
            guard PQconsumeInput(handle) == 1 else { throw failure(of: handle, while: action) }
        }
    }

    /// The server sent nothing for `answerTimeoutMillis`: the connection is closed as gone.
    private func wentSilent(while action: String) -> StoreError {
        close()
        return .unavailable("\(serverName) sent nothing for \(answerTimeoutMillis / 1_000) s (while \(action)); treating it as gone")
    }

    private func failure(of handle: OpaquePointer, while action: String) -> StoreError {
        PostgresErrorClassifier.classify(
            sqlState: nil, message: "\(Self.firstLine(PQerrorMessage(handle))) (while \(action))",
            connectionLost: PQstatus(handle) != CONNECTION_OK
        )
    }

    private func classify(_ result: OpaquePointer, while action: String) -> StoreError {
        let field = { (code: Character) -> String? in
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let message = field("M") ?? Self.firstLine(PQresultErrorMessage(result))
        return PostgresErrorClassifier.classify(
            sqlState: field("C"), message: "\(message) (while \(action))",
            connectionLost: handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        )
    }

    private static func statementResult(_ result: OpaquePointer) -> StatementResult {
        let tag = String(cString: PQcmdStatus(result))
        // Parity with SQLite, where a query changes nothing: rows-affected counts writes only.
        let affected = tag.hasPrefix("SELECT") ? 0 : Int(String(cString: PQcmdTuples(result))) ?? 0
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { return StatementResult(rowsAffected: affected, rows: []) }
        let columns = PQnfields(result)
        let types = (0..<columns).map { PQftype(result, $0) }
        let names = (0..<columns).map { column in PQfname(result, column).map { String(cString: $0) } ?? "column \(column + 1)" }
        let rows = (0..<PQntuples(result)).map { row in
            (0..<columns).map { column -> SQLValue in
                guard PQgetisnull(result, row, column) == 0 else { return .null }
                return SQLValue(postgresText: String(cString: PQgetvalue(result, row, column)), typeOID: types[Int(column)])
            }
        }
        return StatementResult(rowsAffected: affected, rows: rows, columns: names, columnTypes: types.map { ColumnType(id: $0) })
    }

    private static func firstLine(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libpq error" }
        let message = String(cString: text).split(separator: "\n").first.map(String.init) ?? ""
        return message.isEmpty ? "unknown libpq error" : message
    }
}

extension SQLValue {
    /// Text-format parameters: nil is SQL NULL.
    fileprivate var postgresText: String? {
        switch self {
        case .null: nil
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        case .boolean(let flag): flag ? "true" : "false"
        }
    }

    /// int2, int4, int8 → integer; float4, float8, numeric → real; bool → boolean; anything else
    /// stays text.
    fileprivate init(postgresText text: String, typeOID: UInt32) {
        switch typeOID {
        case 16: self = .boolean(text == "t")
        case 20, 21, 23: self = Int64(text).map(SQLValue.integer) ?? .text(text)
        case 700, 701, 1700: self = Double(text).map(SQLValue.real) ?? .text(text)
        default: self = .text(text)
        }
    }
}

/// C strings that live as long as the array: what libpq's `const char * const *` wants.
private final class CStringArray {
    private let storage: [UnsafeMutablePointer<CChar>?]
    let pointers: [UnsafePointer<CChar>?]

    init(_ strings: [String?]) {
        storage = strings.map { $0.map { strdup($0) } }
        // libpq's keyword arrays end with a NULL; parameter arrays are sized by count and ignore it.
        pointers = storage.map { $0.map { UnsafePointer($0) } } + [nil]
    }

    var count: Int { storage.count }

    deinit {
        storage.forEach { free($0) }
    }
}
