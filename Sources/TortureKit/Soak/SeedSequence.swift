/// The seeds a soak runs, a pure function of `--seed-start` and `--shard`.
///
/// Position k of shard i/n is the global position `k·n + (i − 1)`: shards interleave, so their
/// positions are disjoint by construction and together cover 0, 1, 2, … with no gaps. The seed at
/// a global position is `Mix.combine(start, position)`, which for a fixed start is a bijection of
/// the position (`finalize` is a bijection, and XOR with a constant is one too): distinct
/// positions give distinct seeds, and two different starts give unrelated sequences instead of
/// the same seeds shifted by one — tonight's soak does not replay last night's.
public struct SeedSequence: Sendable, Equatable {
    public let start: Seed
    public let shard: SoakShard

    public init(start: Seed, shard: SoakShard) {
        self.start = start
        self.shard = shard
    }

    /// Position `k` of this shard in the sequence shared by all shards.
    public func globalPosition(_ k: Int) -> UInt64 {
        precondition(k >= 0, "positions count from 0")
        return UInt64(k) &* UInt64(shard.count) &+ UInt64(shard.index - 1)
    }

    public func seed(at k: Int) -> Seed {
        Seed(Mix.combine(start.value, globalPosition(k)))
    }

    /// The first `count` seeds of this shard.
    public func prefix(_ count: Int) -> [Seed] {
        (0..<count).map(seed(at:))
    }
}
