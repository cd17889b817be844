/// What an actor's run publishes: the rows of its `publish` steps, each naming a message. An actor
/// with a transaction sends them when it commits and drops them when it rolls back (an outbox);
/// one without sends each step's as the step runs.
struct Outbox {
    var sendsAtCommit = false
    private(set) var pending: [Int] = []
    /// Publications sent in this run: a run that sent none may let the run end.
    private(set) var sentThisRun = 0

    /// At most this many rows of one step become publications: a sweeper's query without a
    /// LIMIT cannot flood the broker.
    static let rowLimit = 10_000

    mutating func startRun() {
        pending.removeAll(keepingCapacity: true)
        sentThisRun = 0
    }

    /// Queues each row's `column` (a message's name `m-00417` or its number) as a publication of
    /// one of `messages`; returns what could not be, in words for the history.
    mutating func add(_ result: StatementResult, column: String, messages: Int) -> [String] {
        guard let position = result.columns.firstIndex(where: { $0.lowercased() == column }) else {
            return result.rows.isEmpty ? [] : ["publish: the step returned no column `\(column)`; nothing published"]
        }
        var problems: [String] = []
        for row in result.rows.prefix(Self.rowLimit) {
            guard let message = Self.messageNumber(row[position]), (0..<messages).contains(message) else {
                problems.append("publish: `\(column)` = \(row[position]) names no published message; not published")
                continue
            }
            pending.append(message)
        }
        if result.rows.count > Self.rowLimit {
            problems.append("publish: \(result.rows.count - Self.rowLimit) rows past the first \(Self.rowLimit) not published")
        }
        return problems
    }

    /// The pending publications, counted as sent.
    mutating func take() -> [Int] {
        defer { pending.removeAll(keepingCapacity: true) }
        sentThisRun += pending.count
        return pending
    }

    mutating func drop() {
        pending.removeAll(keepingCapacity: true)
    }

    private static func messageNumber(_ value: SQLValue) -> Int? {
        switch value {
        case .integer(let number): Int(exactly: number)
        case .text(let text): Names.messageIndex(text) ?? Int(text)
        default: nil
        }
    }
}
