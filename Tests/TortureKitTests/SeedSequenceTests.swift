import Testing
@testable import TortureKit

@Suite struct SeedSequenceTests {
    @Test func shardsOfOneStartAreDisjointAndTogetherAreTheWholeSequence() throws {
        let start = Seed(0x5EED)
        let first = SeedSequence(start: start, shard: try #require(SoakShard(parsing: "1/2"))).prefix(2_000)
        let second = SeedSequence(start: start, shard: try #require(SoakShard(parsing: "2/2"))).prefix(2_000)
        #expect(Set(first).count == 2_000 && Set(second).count == 2_000, "a shard repeated a seed")
        #expect(Set(first).isDisjoint(with: Set(second)))
        let whole = SeedSequence(start: start, shard: .whole).prefix(4_000)
        #expect(Set(first).union(second) == Set(whole))
        #expect(whole[0] == first[0] && whole[1] == second[0] && whole[2] == first[1])
    }

    @Test func eightShardsNeverShareASeed() throws {
        var seen: Set<Seed> = []
        for index in 1...8 {
            let shard = try #require(SoakShard(index: index, count: 8))
            for seed in SeedSequence(start: Seed(42), shard: shard).prefix(500) {
                #expect(seen.insert(seed).inserted, "shard \(index)/8 repeats \(seed)")
            }
        }
    }

    @Test func theSameStartGivesTheSameSequenceAndAnotherStartAnUnrelatedOne() throws {
        let shard = try #require(SoakShard(parsing: "3/8"))
        #expect(SeedSequence(start: Seed(7), shard: shard).prefix(100) == SeedSequence(start: Seed(7), shard: shard).prefix(100))
        let next = SeedSequence(start: Seed(8), shard: shard).prefix(100)
        #expect(Set(SeedSequence(start: Seed(7), shard: shard).prefix(100)).isDisjoint(with: Set(next)),
                "start + 1 must not replay the previous start's seeds shifted by one")
    }

    @Test(arguments: ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2", ""])
    func aWrongShardIsRefused(text: String) {
        #expect(SoakShard(parsing: text) == nil)
    }
}
