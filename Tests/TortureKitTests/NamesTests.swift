import Testing
import TortureKit

@Suite struct NamesTests {
    @Test func messageAndWorkerNamesArePaddedAndReadBack() {
        #expect(Names.message(0) == "m-00000")
        #expect(Names.message(417) == "m-00417")
        #expect(Names.message(99_999) == "m-99999")
        #expect(Names.message(1_234_567) == "m-1234567")
        #expect(Names.worker(3) == "w-03")
        #expect(Names.worker(100) == "w-100")
        #expect(Names.subscriber(0) == "s0")
        #expect(Names.subscriber(15) == "s15")
        #expect(Names.subscriber(16) == "s16")
        for index in [0, 7, 417, 99_999, 1_000_000, Int(Int32.max)] {
            #expect(Names.messageIndex(Names.message(index)) == index)
        }
    }
}
