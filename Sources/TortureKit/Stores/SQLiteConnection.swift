internal import CSQLite

/// One sqlite3 handle. Not thread-safe by design: its processor is the only caller (so its
/// statement caches skip the runtime exclusivity check).
final class SQLiteConnection: StoreConnection {
    private var handle: OpaquePointer?
    /// Prepared once per statement text: a processor runs the same few statements thousands of times.
    @exclusivity(unchecked) private var statements: [String: Prepared] = [:]
    /// The same statements by template object: looking one up hashes an address, not the SQL
    /// text. Each entry holds its template's parts, so the address cannot be reused by another.
    @exclusivity(unchecked) private var byTemplate: [ObjectIdentifier: (parts: SQLTemplate.Parts, prepared: Prepared)] = [:]
    /// Past this many templates (a handler that builds its SQL per delivery) the identity
    /// cache starts over; the text cache still has every statement.
    private static let templateCacheLimit = 256
    private let path: String
    /// Under `query_only` a READONLY error is the statement's fault, not the file's.
    private var queryOnly = false

    init(path: String, busyTimeoutMillis: Int) throws(StoreError) {
        self.path = path
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let reason = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(opened)
            throw .unavailable("cannot open SQLite store at \(path): \(reason)")
        }
        handle = opened
        sqlite3_busy_timeout(opened, Int32(busyTimeoutMillis))
        sqlite3_extended_result_codes(opened, 1)
        // WAL lets readers run beside the single writer; NORMAL sync is WAL's usual pairing.
        try executeScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    }

    deinit {
        close()
    }

    func execute(_ statement: SQLTemplate, _ parameters: StatementParameters) throws(StoreError) -> StatementResult {
        let compiled = try prepared(statement)
        let prepared = compiled.statement
        defer {
            sqlite3_reset(prepared)
            sqlite3_clear_bindings(prepared)
        }
        for (offset, name) in statement.parameters.enumerated() {
            try bind(parameters.value(of: name), at: Int32(offset + 1), in: prepared)
        }
        var rows: [[SQLValue]] = []
        while true {
            let status = sqlite3_step(prepared)
            if status == SQLITE_ROW {
                rows.append(readRow(prepared))
            } else if status == SQLITE_DONE {
                let changed = sqlite3_stmt_readonly(prepared) != 0 ? 0 : Int(sqlite3_changes(handle))
                return StatementResult(rowsAffected: changed, rows: rows, columns: compiled.columns)
            } else {
                throw error(status, while: "running `\(statement.source)`")
            }
        }
    }

    func prepare(_ statement: SQLTemplate) throws(StoreError) {
        _ = try prepared(statement)
    }

    func resultColumns(of statement: SQLTemplate) throws(StoreError) -> [String]? {
        try prepared(statement).columns
    }

    func executeScript(_ sql: String) throws(StoreError) {
        guard let handle else { throw .unavailable("SQLite connection to \(path) is closed") }
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard status == SQLITE_OK else {
            let detail = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            throw classify(sqlite3_extended_errcode(handle), detail)
        }
    }

    /// SQLite is serializable at every level. Transactions take the write lock up front
    /// (IMMEDIATE), so they wait on the busy timeout instead of failing when a deferred reader
    /// tries to upgrade; protocols that race do so outside transactions, as the naive twins do.
    func begin(_ isolation: IsolationLevel) throws(StoreError) {
        try executeScript("BEGIN IMMEDIATE")
        assert(handle.map { sqlite3_get_autocommit($0) == 0 } == true, "a transaction is open once BEGIN succeeded")
    }

    func commit() throws(StoreError) {
        try executeScript("COMMIT")
        assert(handle.map { sqlite3_get_autocommit($0) != 0 } == true, "no transaction is open once COMMIT succeeded")
    }

    func rollback() throws(StoreError) {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        try executeScript("ROLLBACK")
        assert(sqlite3_get_autocommit(handle) != 0, "no transaction is open once ROLLBACK succeeded")
    }

    /// `query_only` refuses every write, `RETURNING` included, with SQLITE_READONLY.
    func beginReadOnly() throws(StoreError) {
        assert(!queryOnly, "read-only spans do not nest: the first one's end would lift the second")
        try executeScript("PRAGMA query_only = ON")
        queryOnly = true
    }

    func endReadOnly() throws(StoreError) {
        assert(queryOnly, "a read-only span ends only after it began")
        try executeScript("PRAGMA query_only = OFF")
        queryOnly = false
    }

    func close() {
        for prepared in statements.values { sqlite3_finalize(prepared.statement) }
        statements.removeAll()
        byTemplate.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    private struct Prepared {
        let statement: OpaquePointer
        /// Read once, when the statement is prepared.
        let columns: [String]
    }

    private func prepared(_ template: SQLTemplate) throws(StoreError) -> Prepared {
        let key = ObjectIdentifier(template.parts)
        if let hit = byTemplate[key] { return hit.prepared }
        let prepared = try compiled(template.sqliteText)
        if byTemplate.count >= Self.templateCacheLimit { byTemplate.removeAll(keepingCapacity: true) }
        byTemplate[key] = (template.parts, prepared)
        return prepared
    }

    private func compiled(_ text: String) throws(StoreError) -> Prepared {
        if let cached = statements[text] { return cached }
        guard let handle else { throw .unavailable("SQLite connection to \(path) is closed") }
        var prepared: OpaquePointer?
        let bytes = Array(text.utf8CString)
        var tailOffset = bytes.count - 1
        let status = bytes.withUnsafeBufferPointer { buffer in
            var rest: UnsafePointer<CChar>?
            let status = sqlite3_prepare_v2(handle, buffer.baseAddress, -1, &prepared, &rest)
            if let rest, let start = buffer.baseAddress { tailOffset = rest - start }
            return status
        }
        guard status == SQLITE_OK, let prepared else {
            throw error(status, while: "preparing `\(text)`")
        }
        // What follows the first statement: sqlite3 would silently never run it.
        let tail = String(decoding: bytes[tailOffset...].dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if SQLTokens(tail).statementCount > 0 {
            sqlite3_finalize(prepared)
            throw .other("`\(text)` holds more than one statement; SQLite would run only the first")
        }
        let columns = (0..<sqlite3_column_count(prepared)).map { column in
            sqlite3_column_name(prepared, column).map { String(cString: $0) } ?? "column \(column + 1)"
        }
        let entry = Prepared(statement: prepared, columns: columns)
        statements[text] = entry
        return entry
    }

    private func bind(_ value: SQLValue, at slot: Int32, in statement: OpaquePointer) throws(StoreError) {
        let status: Int32
        switch value {
        case .null: status = sqlite3_bind_null(statement, slot)
        case .integer(let number): status = sqlite3_bind_int64(statement, slot, number)
        case .real(let number): status = sqlite3_bind_double(statement, slot, number)
        case .text(let text): status = sqlite3_bind_text(statement, slot, text, -1, csqlite_transient())
        case .boolean(let flag): status = sqlite3_bind_int64(statement, slot, flag ? 1 : 0)
        }
        guard status == SQLITE_OK else { throw error(status, while: "binding parameter \(slot)") }
    }

    private func readRow(_ statement: OpaquePointer) -> [SQLValue] {
        (0..<sqlite3_column_count(statement)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
            case SQLITE_NULL: .null
            default: .text(sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
            }
        }
    }

    private func error(_ status: Int32, while action: String) -> StoreError {
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? status
        let detail = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        return classify(extended, "\(detail) (while \(action))")
    }

    private func classify(_ extended: Int32, _ detail: String) -> StoreError {
        switch extended & 0xFF {
        case SQLITE_BUSY where extended == 517: // SQLITE_BUSY_SNAPSHOT
            .serializationFailure(detail)
        case SQLITE_BUSY, SQLITE_LOCKED:
            .busy(detail)
        case SQLITE_CONSTRAINT where extended == 2067 || extended == 1555: // UNIQUE, PRIMARYKEY
            .uniqueViolation(detail)
        case SQLITE_READONLY where queryOnly:
            .other("\(detail): a check may only read")
        case SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_READONLY:
            .unavailable(detail)
        default:
            .other(detail)
        }
    }
}
