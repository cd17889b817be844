/// SplitMix64: the one random number generator the engine uses. Deterministic for a seed,
/// and small enough to derive a fresh, independent stream wherever a decision needs one.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Mix.finalize(state)
    }
}

/// Stateless mixing used to key decisions by value instead of by draw order.
public enum Mix {
    /// SplitMix64's finaliser: a bijection on 64 bits with good avalanche.
    @inlinable
    public static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Folds the parts in order; `combine(a, b) != combine(b, a)`.
    @inlinable
    public static func combine(_ parts: UInt64...) -> UInt64 {
        var hash: UInt64 = 0x6A09_E667_F3BC_C908
        for part in parts {
            hash = finalize(hash ^ finalize(part &+ 0x9E37_79B9_7F4A_7C15))
        }
        return hash
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inlinable
    public static func unitInterval(_ value: UInt64) -> Double {
        Double(value >> 11) * 0x1p-53
    }
}
