import Testing
@testable import TortureKit

@Suite struct FiredFaultTallyTests {
    func fault(_ message: Int, worker: Int, _ fault: Fault = .delay(millis: 1)) -> FiredFault {
        FiredFault(delivery: Delivery(message: message, attempt: 1), point: .afterRead, fault: fault, worker: worker)
    }

    /// However many fire, the report lists `keptLimit`: the earliest, across processors.
    @Test func aRunKeepsTheFirstFaultsAndCountsTheRest() {
        var merged = FiredFaultTally()
        for worker in 0..<4 {
            var tally = FiredFaultTally()
            for message in 0..<1_000 {
                tally.add(fault(message, worker: worker, message % 2 == 0 ? .duplicate : .delay(millis: 1)),
                          atNanos: UInt64(message * 4 + (3 - worker)))
            }
            #expect(tally.first.count == FiredFaultTally.keptLimit)
            merged.merge(tally)
        }
        #expect(merged.total == 4_000)
        #expect(merged.byKindAndPoint == ["duplicate@after-read": 2_000, "delay@after-read": 2_000])
        #expect(merged.firstFaults.count == FiredFaultTally.keptLimit)
        #expect(merged.first.map(\.timeNanos) == (0..<UInt64(FiredFaultTally.keptLimit)).map { $0 })
        #expect(merged.firstFaults.prefix(4).map(\.worker) == [3, 2, 1, 0])
    }
}
