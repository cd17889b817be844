/// The faults of a run. Every decision is `f(seed, message, attempt, point)`, a hash and never a
/// draw from a shared stream, so it cannot depend on which worker got there first, on the worker
/// count, or on timing.
public struct FaultPlan: Sendable {
    public let seed: Seed
    public let profile: FaultProfile

    /// Salts keep the "does it fire" and "how long" decisions independent of each other.
    private enum Salt: UInt64 {
        case delayFires = 0xDE1A_0001
        case delayLength = 0xDE1A_0002
    }

    public init(seed: Seed, profile: FaultProfile) {
        self.seed = seed
        self.profile = profile
    }

    /// `attempt` counts deliveries of `message` from 1.
    public func fault(message: Int, attempt: Int, point: InjectionPoint) -> Fault? {
        guard let rule = profile.delays[point], rule.probability > 0 else { return nil }
        let fires = key(.delayFires, message: message, attempt: attempt, point: point)
        guard Mix.unitInterval(fires) < rule.probability else { return nil }
        let span = UInt64(rule.maxMillis - rule.minMillis + 1)
        let length = key(.delayLength, message: message, attempt: attempt, point: point)
        return .delay(millis: rule.minMillis + Int(length % span))
    }

    /// Hash of every decision the plan makes for a workload: two runs print the same value exactly
    /// when they would inject the same faults at the same (message, attempt, point).
    public func planHash(messages: Int, attemptsPerMessage: Int) -> UInt64 {
        var hash = ContentHash()
        hash.add(seed.value)
        for message in 0..<messages {
            for attempt in 1...max(1, attemptsPerMessage) {
                for point in InjectionPoint.allCases {
                    guard let fault = fault(message: message, attempt: attempt, point: point) else { continue }
                    hash.add(UInt64(message))
                    hash.add(UInt64(attempt))
                    hash.add(point.code)
                    hash.add(fault.summary)
                }
            }
        }
        return hash.value
    }

    private func key(_ salt: Salt, message: Int, attempt: Int, point: InjectionPoint) -> UInt64 {
        Mix.combine(seed.value, salt.rawValue, UInt64(message), UInt64(attempt), point.code)
    }
}
