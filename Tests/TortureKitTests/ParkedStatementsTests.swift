import Testing
@testable import TortureKit

/// Who goes again when a transaction ends, in the simulation on PostgreSQL.
@Suite struct ParkedStatementsTests {
    @Test func theEndOfATransactionWakesOnlyTheStatementsThatWaitedOnItInTheOrderTheyParked() {
        var parked = ParkedStatements<String>()
        parked.park(11, waitingOn: [1], "first on 1")
        parked.park(12, waitingOn: [2], "on 2")
        parked.park(13, waitingOn: [1, 2], "on 1 and 2")
        parked.park(14, waitingOn: [1], "second on 1")

        #expect(parked.wake(after: 1) == ["first on 1", "on 1 and 2", "second on 1"])
        #expect(!parked.contains(11) && !parked.contains(13) && !parked.contains(14))
        #expect(parked.contains(12), "a statement waiting on another session stays parked")
        #expect(parked.wake(after: 1).isEmpty, "woken statements left the set")
        #expect(parked.wake(after: 3).isEmpty, "a session no one waited on wakes no one")
        #expect(parked.wake(after: 2) == ["on 2"])
        #expect(parked.isEmpty)
    }

    @Test func aWaitThatClosesACycleThroughParkedStatementsIsADeadlock() {
        var parked = ParkedStatements<Int>()
        parked.park(1, waitingOn: [2], 0)
        parked.park(2, waitingOn: [3], 0)
        #expect(parked.closesCycle(3, [1]), "3 → 1 → 2 → 3")
        #expect(!parked.closesCycle(3, [4]), "4 is not parked: it will end")
        #expect(!parked.closesCycle(4, [1]), "4 → 1 → 2 → 3, and 3 is not parked")
    }
}
