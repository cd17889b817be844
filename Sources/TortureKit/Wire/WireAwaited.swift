/// What the server still owes the client, in the order it will answer: a statement (a simple
/// Query or an Execute), an Execute the proxy kept back to fail it, or a ReadyForQuery (for a
/// Sync, a simple Query or a FunctionCall). Clients pipeline, so several may be outstanding.
enum WireAwaited {
    case statement(WirePendingStatement)
    /// An Execute not forwarded: once the server has answered the client's Sync, the proxy has
    /// the server raise the error in its place.
    case injection(WirePendingStatement, sqlState: String, message: String)
    case readyForQuery
}

/// A statement sent on and not yet finished.
struct WirePendingStatement {
    var statement: WireStatement
    /// A simple Query: answered by one or more CommandCompletes (or an error), then ReadyForQuery.
    var isSimple: Bool
    /// Its answer is an error the observer asked for: no after point.
    var isInjected = false
    /// `loseAnswer` chosen before it was sent: its answer is dropped when it comes.
    var losesAnswer = false
    var answer: Answer?
    var answeredNanos: UInt64 = 0

    enum Answer: Equatable {
        case completed(tag: String)
        case failed(sqlState: String, message: String)
    }

    init(statement: WireStatement, isSimple: Bool) {
        self.statement = statement
        self.isSimple = isSimple
    }

    var outcome: WireOutcome {
        let micros = Int((answeredNanos &- statement.startedNanos) / 1_000)
        switch answer {
        case .completed(let tag)?: return .completed(tag: tag, rows: WireStatementText.rows(inTag: tag), micros: micros)
        case .failed(let sqlState, let message)?: return .failed(sqlState: sqlState, message: message, micros: micros)
        case nil: return .completed(tag: "", rows: nil, micros: micros)
        }
    }

    /// The answer as `answerLost` names it.
    var answerTag: String {
        switch answer {
        case .completed(let tag)?: tag
        case .failed(let sqlState, _)?: "ERROR \(sqlState)"
        case nil: ""
        }
    }
}
