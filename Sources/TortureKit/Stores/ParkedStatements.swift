/// Statements taken back because they waited on a lock, each parked until a session it waited on
/// ends its transaction. The blockers are idle transactions of the run (every other waiter was
/// taken back too), which release their locks only when they end: so the end of one session's
/// transaction wakes exactly the statements that waited on it, in the order they parked, and
/// leaves the rest — waking them would only park them again, on a hot row every waiter at every
/// commit.
struct ParkedStatements<Waiter> {
    private struct Entry {
        let processID: Int32
        let blockers: Set<Int32>
        let waiter: Waiter
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    func contains(_ processID: Int32) -> Bool {
        entries.contains { $0.processID == processID }
    }

    /// Parks the statement of session `processID`, waiting on `blockers`.
    mutating func park(_ processID: Int32, waitingOn blockers: Set<Int32>, _ waiter: Waiter) {
        precondition(!contains(processID), "each session parks at most one statement")
        entries.append(Entry(processID: processID, blockers: blockers, waiter: waiter))
    }

    /// Session `processID` ended its transaction (or its connection): the statements that waited
    /// on it leave the set, in the order they parked.
    mutating func wake(after processID: Int32) -> [Waiter] {
        var waking: [Waiter] = []
        var staying: [Entry] = []
        for entry in entries {
            if entry.blockers.contains(processID) { waking.append(entry.waiter) } else { staying.append(entry) }
        }
        entries = staying
        return waking
    }

    /// Whether `processID` waiting on `blockers` closes a cycle through the parked statements:
    /// the deadlock PostgreSQL would report.
    func closesCycle(_ processID: Int32, _ blockers: Set<Int32>) -> Bool {
        var seen = Set<Int32>()
        var frontier = Array(blockers)
        while let next = frontier.popLast() {
            if next == processID { return true }
            guard seen.insert(next).inserted else { continue }
            for entry in entries where entry.processID == next { frontier += entry.blockers }
        }
        return false
    }
}
