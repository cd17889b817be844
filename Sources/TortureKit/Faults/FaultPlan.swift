/// The faults of a run. Every decision is `f(seed, kind, message, copy, attempt, subscriber,
/// point)`, a hash and never a draw from a shared stream, so it cannot depend on which worker got
/// there first, on the worker count, or on timing.
public struct FaultPlan: Sendable {
    public let seed: Seed
    public let profile: FaultProfile
    /// Per point, the kinds that have a rule there: most points have none, and checking that is
    /// the hot path.
    private let kindsByPoint: [[FaultKind]]
    /// The same for the wire proxy's decisions.
    private let wireKindsByPoint: [[FaultKind]]

    /// Keeps "does it fire" and "how long" independent.
    private static let lengthSalt: UInt64 = 0x1E_0001

    /// `engineCarriesWire`: the handler is torture's own (YAML or Swift), whose connection the
    /// engine cuts itself at the commit points: `reset` at `before-commit` / `after-commit` and
    /// `lost-commit-ack` at `after-commit` are the engine's decisions then, not the proxy's.
    public init(seed: Seed, profile: FaultProfile, engineCarriesWire: Bool = false) {
        self.seed = seed
        self.profile = profile
        self.kindsByPoint = InjectionPoint.allCases.sorted().map { point in
            point.isWireOnly ? [] : profile.kinds(at: point).filter {
                !$0.isWire || (engineCarriesWire && FaultProfile.engineWireKinds(at: point).contains($0))
            }
        }
        self.wireKindsByPoint = InjectionPoint.allCases.sorted().map { point in
            point.isWireOnly ? profile.kinds(at: point) : InjectionPoint.wire.contains(point) ? profile.kinds(at: point).filter(\.isWire) : []
        }
        assert(kindsByPoint.allSatisfy { $0.drop { !$0.endsDelivery }.allSatisfy(\.endsDelivery) },
               "at a point, the kinds that end a delivery are tried after those that do not: a crash never hides a duplicate")
        assert(zip(InjectionPoint.allCases.sorted(), InjectionPoint.allCases.sorted().indices).allSatisfy { Int($0.code) == $1 + 1 },
               "injection points' codes number them from 1 in order: the plan finds a point's kinds by its code")
    }

    /// The faults that fire at `point` for `delivery`, in order: any of duplicate, delay and
    /// stall, then at most one that ends the delivery (crash, timeout, error, store-error).
    public func faults(for delivery: Delivery, at point: InjectionPoint) -> [Fault] {
        let kinds = kindsByPoint[Int(point.code) - 1]
        guard !kinds.isEmpty else { return [] }
        return fire(kinds, at: point) { salt in
            Mix.combine(seed.value, salt, UInt64(delivery.message), UInt64(delivery.copy), UInt64(delivery.attempt),
                        UInt64(delivery.subscriber), point.code)
        }
    }

    /// The faults the wire proxy carries out at `point` of the `statement`-th statement (from 1)
    /// that `delivery`'s handler sent: keyed by the statement's number as well, apart from the
    /// delivery's own points.
    public func wireFaults(for delivery: Delivery, statement: Int, at point: InjectionPoint) -> [Fault] {
        let kinds = wireKindsByPoint[Int(point.code) - 1]
        guard !kinds.isEmpty else { return [] }
        return fire(kinds, at: point) { salt in
            Mix.combine(seed.value, salt ^ Self.wireSalt, UInt64(delivery.message), UInt64(delivery.copy), UInt64(delivery.attempt),
                        UInt64(delivery.subscriber), point.code, UInt64(statement))
        }
    }

    private static let wireSalt: UInt64 = 0x31_4E00

    /// The faults that fire at `point` in tick `tick` of an actor's `instance`: keyed by (seed,
    /// kind, actor, instance, tick, point), apart from every delivery's keys.
    public func faults(forActor actorKey: UInt64, instance: Int, tick: Int, at point: InjectionPoint) -> [Fault] {
        let kinds = kindsByPoint[Int(point.code) - 1]
        guard !kinds.isEmpty else { return [] }
        return fire(kinds, at: point) { salt in
            Mix.combine(seed.value, salt, Self.actorSalt, actorKey, UInt64(instance), UInt64(tick), point.code)
        }
    }

    /// Hash of an actor's decisions over its first `actorTicksHashed` ticks per instance.
    public func planHash(actorKey: UInt64, instances: Int) -> UInt64 {
        var hash = ContentHash()
        hash.add(actorKey)
        guard !profile.isEmpty else { return hash.value }
        for instance in 1...max(1, instances) {
            for tick in 1...Self.actorTicksHashed {
                for point in InjectionPoint.allCases {
                    for fault in faults(forActor: actorKey, instance: instance, tick: tick, at: point) {
                        hash.add(UInt64(instance) << 32 | UInt64(tick))
                        hash.add(point.code)
                        hash.add(fault.summary)
                    }
                }
            }
        }
        return hash.value
    }

    public static let actorTicksHashed = 64
    private static let actorSalt: UInt64 = 0xAC_70F0

    private func fire(_ kinds: [FaultKind], at point: InjectionPoint, key: (UInt64) -> UInt64) -> [Fault] {
        var fired: [Fault] = []
        for kind in kinds {
            guard let fault = decide(kind, at: point, key: key) else { continue }
            fired.append(fault)
            if kind.endsDelivery { break }
        }
        return fired
    }

    /// Hash of the decisions the plan makes for the published copies and their possible
    /// receives: two runs print the same value exactly when they would inject the same faults.
    /// Past `planHashDeliveryLimit` deliveries the rest of the plan is the same function of the
    /// seed and the rules already hashed, so the workload's size stands in for it: the cost stays
    /// bounded at any workload the loader admits.
    public func planHash(workload: Workload, policy: DeliveryPolicy) -> UInt64 {
        var hash = ContentHash()
        hash.add(seed.value)
        guard !profile.isEmpty else { return hash.value }
        // The wire's decisions depend on how many statements a handler sends: its rules stand in.
        for kind in FaultKind.allCases {
            for point in InjectionPoint.allCases where kind.isWire || point.isWireOnly {
                guard let rule = profile[kind, point] else { continue }
                hash.add("\(kind.rawValue)@\(point.rawValue) \(rule.probability) \(rule.minMillis)-\(rule.maxMillis) \(rule.sqlState ?? "")")
            }
        }
        var budget = Self.planHashDeliveryLimit
        for message in 0..<workload.messages {
            for copy in 1...workload.deliveriesPerMessage {
                for attempt in 1...policy.maxReceiveCount {
                    for subscriber in 0..<policy.subscribers {
                        guard budget > 0 else {
                            hash.add(UInt64(workload.messages))
                            hash.add(UInt64(workload.deliveriesPerMessage) << 32 | UInt64(policy.maxReceiveCount) << 16 | UInt64(policy.subscribers))
                            return hash.value
                        }
                        budget -= 1
                        let delivery = Delivery(message: message, copy: copy, attempt: attempt, subscriber: subscriber)
                        for point in InjectionPoint.allCases {
                            for fault in faults(for: delivery, at: point) {
                                hash.add(UInt64(message))
                                hash.add(UInt64(copy) << 32 | UInt64(attempt) << 16 | UInt64(subscriber))
                                hash.add(point.code)
                                hash.add(fault.summary)
                            }
                        }
                    }
                }
            }
        }
        return hash.value
    }

    /// Deliveries whose decisions `planHash` enumerates: every catalogue workload fits.
    public static let planHashDeliveryLimit = 250_000

    private func decide(_ kind: FaultKind, at point: InjectionPoint, key: (UInt64) -> UInt64) -> Fault? {
        guard let rule = profile[kind, point], rule.probability > 0 else { return nil }
        guard Mix.unitInterval(key(kind.salt)) < rule.probability else { return nil }
        let span = UInt64(rule.maxMillis - rule.minMillis + 1)
        let millis = rule.minMillis + Int(key(kind.salt ^ Self.lengthSalt) % span)
        switch kind {
        case .duplicate: return .duplicate
        case .delay: return .delay(millis: millis)
        case .stall: return .stall(millis: millis)
        case .crash: return .crash(restartMillis: millis)
        case .timeout: return .timeout(millis: millis)
        case .error: return .error
        case .storeError: return .storeError(rule.storeError ?? .busy)
        case .reset: return .reset
        case .lostCommitAck: return .lostCommitAck
        case .sqlError: return .sqlError(sqlState: rule.sqlState ?? "40001")
        }
    }
}
