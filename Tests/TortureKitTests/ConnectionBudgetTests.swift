import Testing
import TortureKit

@Suite("Connection budget and run schema names")
struct ConnectionBudgetTests {
    @Test("workers that fit with room to spare pass")
    func fits() {
        let budget = ConnectionBudget(maxConnections: 100, reserved: 3, inUse: 10)
        #expect(budget.free == 87)
        #expect(budget.shortfall(workers: 64, server: "s") == nil)
        #expect(budget.shortfall(workers: 84, server: "s") == nil)
    }

    @Test("too many workers are refused with the numbers and the remedy")
    func refused() throws {
        let budget = ConnectionBudget(maxConnections: 100, reserved: 3, inUse: 10)
        let message = try #require(budget.shortfall(workers: 85, server: "postgres://h/db"))
        #expect(message.contains("max_connections 100"))
        #expect(message.contains("87 are free"))
        #expect(message.contains("needs 88"))
        #expect(message.contains("--workers 84 or fewer"))
        #expect(message.contains("ALTER SYSTEM SET max_connections = 150"))
    }

    @Test("a run's schema name is a safe lower-case identifier under 63 bytes")
    func schemaName() {
        let name = RunSchemaName(stamp: "20261122-101500", seed: Seed(.max), processID: 4_194_304)
        #expect(name.text == "torture_20261122101500_ffffffffffffffff_4194304")
        #expect(name.text.utf8.count <= 63)
        #expect(RunSchemaName(validating: name.text) == name)
        #expect(RunSchemaName(validating: "public") == nil)
        #expect(RunSchemaName(validating: "torture_x\"; DROP TABLE t; --") == nil)
        #expect(RunSchemaName(validating: "torture_Upper") == nil)
    }
}
