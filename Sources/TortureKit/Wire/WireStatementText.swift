import Foundation

/// What the proxy reads out of SQL text and command tags: no parser, a few exact spellings.
enum WireStatementText {
    /// Whether the text (or, for a multi-statement simple Query, its last statement) ends a
    /// transaction by committing it: COMMIT / END [WORK | TRANSACTION] [AND [NO] CHAIN], and COMMIT
    /// PREPARED. Case and spacing do not matter; a trailing `;` does not either.
    static func isCommit(_ text: String) -> Bool {
        let statements = text.split(separator: ";", omittingEmptySubsequences: true)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased() }
            .filter { !$0.isEmpty }
        guard let last = statements.last else { return false }
        return commitSpellings.contains(last) || last.hasPrefix("COMMIT PREPARED ")
    }

    private static let commitSpellings: Set<String> = {
        var spellings: Set<String> = []
        for verb in ["COMMIT", "END"] {
            for noun in ["", " WORK", " TRANSACTION"] {
                for chain in ["", " AND CHAIN", " AND NO CHAIN"] {
                    spellings.insert(verb + noun + chain)
                }
            }
        }
        return spellings
    }()

    /// The rows a CommandComplete tag counts: its last number, for the commands whose tag ends in one.
    static func rows(inTag tag: String) -> Int? {
        let words = tag.split(separator: " ")
        guard let command = words.first, countingCommands.contains(String(command)), words.count >= 2 else { return nil }
        return words.last.flatMap { Int($0) }
    }

    private static let countingCommands: Set<String> = ["INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "FETCH", "MOVE", "COPY"]

    /// An ErrorResponse's SQLSTATE (field C) and message (field M).
    static func errorFields(_ body: [UInt8]) -> (sqlState: String, message: String) {
        var reader = WireBodyReader(body)
        var sqlState = "", message = ""
        while !reader.isAtEnd {
            let code = reader.byte()
            guard code != 0 else { break }
            let value = reader.cString()
            if code == UInt8(ascii: "C") { sqlState = value }
            if code == UInt8(ascii: "M") { message = value }
        }
        return (sqlState, message)
    }

    /// A statement that fails on the server with this SQLSTATE and message. The server raising it
    /// (rather than the proxy answering) leaves the server's transaction failed, as the client is
    /// told it is: a COMMIT the client sends next rolls back on both sides.
    static func raising(sqlState: String, message: String) -> String {
        precondition(sqlState.utf8.count == 5 && sqlState.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) },
                     "a SQLSTATE is five digits or capital letters, not `\(sqlState)`")
        // Neither quote may end early: the message goes inside both.
        let quoted = message.replacingOccurrences(of: "$torture_wire$", with: "").replacingOccurrences(of: "'", with: "''")
        return "DO $torture_wire$BEGIN RAISE EXCEPTION USING ERRCODE = '\(sqlState)', MESSAGE = '\(quoted)'; END$torture_wire$"
    }
}
