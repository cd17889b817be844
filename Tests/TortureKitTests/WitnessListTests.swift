import Testing
import TortureKit

@Suite struct WitnessListTests {
    @Test func keepsTheFirstWitnessesCountsAllAndWordsNoOthers() {
        var list = WitnessList()
        var worded = 0
        func witness(_ number: Int) -> Witness {
            worded += 1
            return Witness(message: Names.message(number), workers: [], events: [number], text: "witness \(number)")
        }
        for number in 0..<1_000 { list.append(witness(number)) }
        let verdict = Verdict(invariant: "x", witnesses: list)
        #expect(!verdict.held)
        #expect(verdict.witnessCount == 1_000)
        #expect(verdict.witnesses.map(\.events) == (0..<Verdict.witnessLimit).map { [$0] })
        #expect(worded == Verdict.witnessLimit, "a witness past the limit is counted, not worded")
        #expect(verdict == Verdict(invariant: "x", witnesses: (0..<1_000).map {
            Witness(message: Names.message($0), workers: [], events: [$0], text: "witness \($0)")
        }))
        #expect(Verdict(invariant: "x", witnesses: WitnessList()).held)
    }
}
