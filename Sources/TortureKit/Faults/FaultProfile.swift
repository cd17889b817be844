/// How likely each kind of fault is at each injection point: what a scenario file declares.
public struct FaultProfile: Sendable, Equatable {
    public private(set) var rules: [FaultKind: [InjectionPoint: FaultRule]]

    public init(rules: [FaultKind: [InjectionPoint: FaultRule]] = [:]) {
        self.rules = rules
    }

    public static let none = FaultProfile()

    public subscript(kind: FaultKind, point: InjectionPoint) -> FaultRule? {
        get { rules[kind]?[point] }
        set { rules[kind, default: [:]][point] = newValue }
    }

    /// Kinds with a rule at a point, in the fixed order they are decided.
    func kinds(at point: InjectionPoint) -> [FaultKind] {
        FaultKind.allCases.filter { rules[$0]?[point] != nil }
    }

    public var isEmpty: Bool { rules.values.allSatisfy(\.isEmpty) }

    /// Whether any rule needs the wire proxy: a wire kind, or any kind at a wire-only point.
    public var needsWire: Bool { !wireRules.isEmpty }

    /// The wire kinds the engine carries out on its own connection, at a commit point.
    static func engineWireKinds(at point: InjectionPoint) -> [FaultKind] {
        switch point {
        case .beforeCommit: [.reset]
        case .afterCommit: [.reset, .lostCommitAck]
        default: []
        }
    }

    /// The rules that need torture's wire proxy, as `kind@point`: for a handler process every wire
    /// rule; for torture's own handlers those the engine cannot carry out at its commit points.
    public func rulesNeedingProxy(processHandler: Bool) -> [String] {
        processHandler ? wireRules : proxyOnlyRules
    }

    /// Every rule of a wire kind or at a wire-only point.
    var wireRules: [String] {
        ruleNames.filter { name in
            let parts = name.split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]) else { return false }
            return kind.isWire || point.isWireOnly
        }
    }

    /// Rules only a proxy can carry out, even for torture's own handlers: `kind@point` names.
    public var proxyOnlyRules: [String] {
        ruleNames.filter { name in
            let parts = name.split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]) else { return false }
            return point.isWireOnly || (kind.isWire && !Self.engineWireKinds(at: point).contains(kind))
        }
    }

    /// Every rule as `kind@point`, in a fixed order.
    public var ruleNames: [String] {
        FaultKind.allCases.flatMap { kind in
            InjectionPoint.allCases.filter { rules[kind]?[$0] != nil }.map { "\(kind.rawValue)@\($0.rawValue)" }
        }
    }

    /// The profile without the named rules. Unknown names are returned so a caller can refuse them.
    public func disabling(_ names: [String]) -> (profile: FaultProfile, unknown: [String]) {
        var profile = self
        var unknown: [String] = []
        for name in names {
            let parts = name.split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]),
                  profile[kind, point] != nil else {
                unknown.append(name)
                continue
            }
            profile[kind, point] = nil
        }
        return (profile, unknown)
    }
}

/// One kind at one point: fire with `probability`; a duration drawn uniformly from
/// `minMillis...maxMillis` where the kind takes one.
public struct FaultRule: Sendable, Equatable, Codable {
    public var probability: Double
    public var minMillis: Int
    public var maxMillis: Int
    /// For `store-error` rules: which error.
    public var storeError: InjectedStoreError?
    /// For `sql-error` rules: the SQLSTATE answered.
    public var sqlState: String?

    public init(probability: Double, minMillis: Int = 0, maxMillis: Int = 0, storeError: InjectedStoreError? = nil, sqlState: String? = nil) {
        precondition((0.0...1.0).contains(probability), "probability outside [0, 1]")
        precondition(minMillis >= 0 && minMillis <= maxMillis, "duration range is empty")
        self.probability = probability
        self.minMillis = minMillis
        self.maxMillis = maxMillis
        self.storeError = storeError
        self.sqlState = sqlState
    }
}
