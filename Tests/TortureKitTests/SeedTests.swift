import Testing
@testable import TortureKit

@Suite struct SeedTests {
    @Test(arguments: [
        ("0", UInt64(0)), ("12345", 12345), ("0x5eed", 0x5EED), ("0X5EED", 0x5EED), ("  42 ", 42),
        ("0xffff_ffff_ffff_ffff", .max), ("18446744073709551615", .max),
    ])
    func parsesDecimalAndHex(text: String, expected: UInt64) {
        #expect(Seed(parsing: text)?.value == expected)
    }

    @Test(arguments: ["", "0x", "-1", "seed", "0x1g", "18446744073709551616", "0x1_0000_0000_0000_0000", "1.5"])
    func rejectsWhatIsNotA64BitNumber(text: String) {
        #expect(Seed(parsing: text) == nil)
    }

    @Test func printsAsHexThatParsesBack() {
        for value: UInt64 in [0, 1, 0x5EED, .max, 1_234_567_890_123] {
            let seed = Seed(value)
            #expect(seed.description.hasPrefix("0x"))
            #expect(Seed(parsing: seed.description) == seed)
        }
    }

    @Test func generatorIsAPureFunctionOfItsSeed() {
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        var other = SeededGenerator(seed: 8)
        let a = (0..<100).map { _ in first.next() }
        let b = (0..<100).map { _ in second.next() }
        let c = (0..<100).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a).count == 100)
    }
}
