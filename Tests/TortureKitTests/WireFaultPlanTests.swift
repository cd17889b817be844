import Testing
@testable import TortureKit

/// Wire faults are decided by the same seeded hash as every fault, with the statement's number in
/// the key, and never reach the engine's own points.
@Suite struct WireFaultPlanTests {
    static let profile: FaultProfile = {
        var profile = FaultProfile()
        profile[.lostCommitAck, .afterCommit] = FaultRule(probability: 0.5)
        profile[.sqlError, .beforeStatement] = FaultRule(probability: 0.5, sqlState: "40001")
        profile[.delay, .afterStatement] = FaultRule(probability: 1, minMillis: 2, maxMillis: 2)
        profile[.delay, .afterCommit] = FaultRule(probability: 1, minMillis: 1, maxMillis: 1)
        return profile
    }()

    @Test func wireKindsNeverFireAtTheEnginesPointsAndTheEnginesNeverOnTheWire() {
        let plan = FaultPlan(seed: Seed(7), profile: Self.profile)
        for message in 0..<200 {
            let delivery = Delivery(message: message, attempt: 1)
            #expect(plan.faults(for: delivery, at: .afterCommit) == [.delay(millis: 1)], "the engine's after-commit keeps its own rules")
            #expect(plan.faults(for: delivery, at: .beforeStatement).isEmpty)
            let wire = plan.wireFaults(for: delivery, statement: 3, at: .afterCommit)
            #expect(wire.isEmpty || wire == [.lostCommitAck])
            #expect(plan.wireFaults(for: delivery, statement: 1, at: .afterStatement) == [.delay(millis: 2)])
        }
        #expect(Self.profile.needsWire)
        #expect(!FaultProfile(rules: [.delay: [.afterCommit: FaultRule(probability: 1)]]).needsWire)
    }

    @Test func aWireDecisionIsAPureFunctionOfSeedDeliveryStatementAndPoint() {
        let plan = FaultPlan(seed: Seed(7), profile: Self.profile)
        let again = FaultPlan(seed: Seed(7), profile: Self.profile)
        var differsByStatement = false
        var fired = 0
        for message in 0..<200 {
            let delivery = Delivery(message: message, copy: 1, attempt: 2)
            let first = plan.wireFaults(for: delivery, statement: 1, at: .beforeStatement)
            #expect(first == again.wireFaults(for: delivery, statement: 1, at: .beforeStatement))
            if first != plan.wireFaults(for: delivery, statement: 2, at: .beforeStatement) { differsByStatement = true }
            if first == [.sqlError(sqlState: "40001")] { fired += 1 }
        }
        #expect(differsByStatement, "the statement's number is part of the key")
        #expect((60...140).contains(fired), "about half of 200 at probability 0.5: \(fired)")
    }

    func loadError(_ faults: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse("""
                name: w
                description: wire faults
                workload: { messages: 2, deliveries-per-message: 1, concurrent-deliveries: 1 }
                faults:
                \(faults)
                protocol:
                  schema: CREATE TABLE t (id TEXT)
                  steps:
                    - { name: a, role: write, sql: "INSERT INTO t VALUES (:message)", success: rows-affected }
                invariants:
                  - every-failure-in-dlq
                """, file: "w.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aWireFaultAtAPointItCannotReachIsNamedWithItsLine() throws {
        let misplaced = try #require(loadError("  lost-commit-ack:\n    before-commit: { probability: 0.1 }"))
        #expect(misplaced.message.contains("`lost-commit-ack` cannot fire at `before-commit`; it fires at `after-commit`"), "\(misplaced)")
        #expect(misplaced.line == 6)
        let crashOnTheWire = try #require(loadError("  crash:\n    before-statement: { probability: 0.1, min-millis: 1, max-millis: 2 }"))
        #expect(crashOnTheWire.message.contains("is the wire proxy's"), "\(crashOnTheWire)")
        let badState = try #require(loadError("  sql-error:\n    before-statement: { probability: 0.1, sqlstate: serialization }"))
        #expect(badState.message.contains("expected a SQLSTATE of five digits or capitals"), "\(badState)")
        #expect(loadError("  sql-error:\n    before-statement: { probability: 0.1, sqlstate: 40P01 }") == nil)
    }
}
