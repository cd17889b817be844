import Testing
@testable import TortureKit

@Suite struct FaultPlanTests {
    let profile = FaultProfile(delays: [
        .afterRead: DelayRule(probability: 0.3, minMillis: 1, maxMillis: 5),
        .beforeClaim: DelayRule(probability: 0.1, minMillis: 0, maxMillis: 2),
    ])

    @Test func decisionIsAPureFunctionOfSeedMessageAttemptAndPoint() {
        let plan = FaultPlan(seed: Seed(0x5EED), profile: profile)
        let again = FaultPlan(seed: Seed(0x5EED), profile: profile)
        // Ask in two different orders: a shared stream would answer differently.
        let keys = (0..<200).flatMap { message in (1...4).flatMap { attempt in InjectionPoint.allCases.map { (message, attempt, $0) } } }
        let forward = keys.map { plan.fault(message: $0.0, attempt: $0.1, point: $0.2) }
        let backward = keys.reversed().map { again.fault(message: $0.0, attempt: $0.1, point: $0.2) }
        #expect(forward == Array(backward.reversed()))
    }

    @Test func firesAtTheDeclaredRateAndWithinTheDeclaredRange() {
        let plan = FaultPlan(seed: Seed(99), profile: profile)
        var fired = 0
        let samples = 20_000
        for message in 0..<samples {
            guard let fault = plan.fault(message: message, attempt: 1, point: .afterRead) else { continue }
            fired += 1
            guard case .delay(let millis) = fault else { Issue.record("unexpected fault \(fault)"); continue }
            #expect((1...5).contains(millis))
        }
        let rate = Double(fired) / Double(samples)
        #expect(abs(rate - 0.3) < 0.02, "fired at \(rate), declared 0.3")
    }

    @Test func pointsWithoutARuleNeverFire() {
        let plan = FaultPlan(seed: Seed(1), profile: profile)
        for message in 0..<1_000 {
            #expect(plan.fault(message: message, attempt: 1, point: .afterCommit) == nil)
            #expect(plan.fault(message: message, attempt: 1, point: .beforeAck) == nil)
        }
    }

    @Test func differentSeedsGiveDifferentPlans() {
        let hashes = (0..<20).map { FaultPlan(seed: Seed($0), profile: profile).planHash(messages: 100, attemptsPerMessage: 4) }
        #expect(Set(hashes).count == 20)
    }

    @Test func planHashIsStableAndCoversEveryMessage() {
        let plan = FaultPlan(seed: Seed(3), profile: profile)
        #expect(plan.planHash(messages: 100, attemptsPerMessage: 4) == plan.planHash(messages: 100, attemptsPerMessage: 4))
        #expect(plan.planHash(messages: 100, attemptsPerMessage: 4) != plan.planHash(messages: 101, attemptsPerMessage: 4))
    }
}
