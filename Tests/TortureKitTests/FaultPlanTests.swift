import Testing
@testable import TortureKit

@Suite struct FaultPlanTests {
    let profile: FaultProfile = {
        var profile = FaultProfile()
        profile[.delay, .afterRead] = FaultRule(probability: 0.3, minMillis: 1, maxMillis: 5)
        profile[.delay, .beforeClaim] = FaultRule(probability: 0.1, minMillis: 0, maxMillis: 2)
        profile[.crash, .afterClaim] = FaultRule(probability: 0.2, minMillis: 1, maxMillis: 1)
        profile[.error, .afterClaim] = FaultRule(probability: 0.5)
        profile[.duplicate, .afterClaim] = FaultRule(probability: 0.5)
        return profile
    }()

    func delivery(_ message: Int, attempt: Int = 1, copy: Int = 1) -> Delivery {
        Delivery(message: message, copy: copy, attempt: attempt)
    }

    @Test func decisionIsAPureFunctionOfSeedDeliveryAndPoint() {
        let plan = FaultPlan(seed: Seed(0x5EED), profile: profile)
        let again = FaultPlan(seed: Seed(0x5EED), profile: profile)
        // Ask in two different orders: a shared stream would answer differently.
        let keys = (0..<200).flatMap { message in (1...4).flatMap { attempt in InjectionPoint.allCases.map { (delivery(message, attempt: attempt), $0) } } }
        let forward = keys.map { plan.faults(for: $0.0, at: $0.1) }
        let backward = keys.reversed().map { again.faults(for: $0.0, at: $0.1) }
        #expect(forward == Array(backward.reversed()))
    }

    @Test func firesAtTheDeclaredRateAndWithinTheDeclaredRange() {
        let plan = FaultPlan(seed: Seed(99), profile: profile)
        var fired = 0
        let samples = 20_000
        for message in 0..<samples {
            guard let fault = plan.faults(for: delivery(message), at: .afterRead).first else { continue }
            fired += 1
            guard case .delay(let millis) = fault else { Issue.record("unexpected fault \(fault)"); continue }
            #expect((1...5).contains(millis))
        }
        let rate = Double(fired) / Double(samples)
        #expect(abs(rate - 0.3) < 0.02, "fired at \(rate), declared 0.3")
    }

    @Test func atMostOneFaultEndsADeliveryAndItComesLast() {
        let plan = FaultPlan(seed: Seed(4), profile: profile)
        var crashes = 0, errors = 0, duplicates = 0
        for message in 0..<5_000 {
            let faults = plan.faults(for: delivery(message), at: .afterClaim)
            let ending = faults.filter { $0.kind.endsDelivery }
            #expect(ending.count <= 1)
            if let last = ending.first { #expect(faults.last == last) }
            crashes += faults.filter { $0.kind == .crash }.count
            errors += faults.filter { $0.kind == .error }.count
            duplicates += faults.filter { $0.kind == .duplicate }.count
        }
        // crash is decided before error: errors fire only where no crash did (0.8 × 0.5).
        #expect(abs(Double(crashes) / 5_000 - 0.2) < 0.03)
        #expect(abs(Double(errors) / 5_000 - 0.4) < 0.03)
        #expect(abs(Double(duplicates) / 5_000 - 0.5) < 0.03)
    }

    @Test func pointsWithoutARuleNeverFire() {
        let plan = FaultPlan(seed: Seed(1), profile: profile)
        for message in 0..<1_000 {
            #expect(plan.faults(for: delivery(message), at: .afterCommit).isEmpty)
            #expect(plan.faults(for: delivery(message), at: .beforeAck).isEmpty)
        }
    }

    @Test func eachReceiveOfEachCopyIsDecidedSeparately() {
        let plan = FaultPlan(seed: Seed(8), profile: profile)
        let byAttempt = (1...3).map { attempt in (0..<300).map { plan.faults(for: delivery($0, attempt: attempt), at: .afterRead) } }
        let byCopy = (1...3).map { copy in (0..<300).map { plan.faults(for: delivery($0, copy: copy), at: .afterRead) } }
        #expect(byAttempt[0] != byAttempt[1] && byAttempt[1] != byAttempt[2])
        #expect(byCopy[0] != byCopy[1] && byCopy[1] != byCopy[2])
        #expect(byAttempt[0] == byCopy[0])
    }

    @Test func differentSeedsGiveDifferentPlans() {
        let workload = Workload(messages: 100, deliveriesPerMessage: 4, concurrentDeliveries: 3)
        let hashes = (0..<20).map { FaultPlan(seed: Seed($0), profile: profile).planHash(workload: workload, policy: .standard) }
        #expect(Set(hashes).count == 20)
    }

    @Test func planHashIsStableAndCoversEveryMessage() {
        let plan = FaultPlan(seed: Seed(3), profile: profile)
        let workload = Workload(messages: 100, deliveriesPerMessage: 4, concurrentDeliveries: 3)
        var more = workload
        more.messages = 101
        #expect(plan.planHash(workload: workload, policy: .standard) == plan.planHash(workload: workload, policy: .standard))
        #expect(plan.planHash(workload: workload, policy: .standard) != plan.planHash(workload: more, policy: .standard))
    }
}
