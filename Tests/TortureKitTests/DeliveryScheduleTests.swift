import Testing
@testable import TortureKit

@Suite struct DeliveryScheduleTests {
    let workload = Workload(messages: 300, deliveriesPerMessage: 4, concurrentDeliveries: 3)

    @Test func everyMessageIsDeliveredExactlyAsOftenAsDeclared() {
        let schedule = DeliverySchedule.make(seed: Seed(5), workload: workload)
        #expect(schedule.count == 1_200)
        #expect(Set(schedule).count == 1_200)
        for message in 0..<300 {
            #expect(schedule.filter { $0.message == message }.map(\.copy).sorted() == [1, 2, 3, 4])
        }
    }

    @Test func concurrentDeliveriesAreAdjacentAndLateOnesTrail() {
        let schedule = DeliverySchedule.make(seed: Seed(5), workload: workload)
        var position: [Delivery: Int] = [:]
        for (index, delivery) in schedule.enumerated() { position[delivery] = index }
        var lateGaps: [Int] = []
        for message in 0..<300 {
            let first = position[Delivery(message: message, copy: 1, attempt: 1)]!
            let concurrent = (1...3).map { position[Delivery(message: message, copy: $0, attempt: 1)]! }
            #expect(concurrent == [first, first + 1, first + 2], "message \(message)'s concurrent copies are not adjacent")
            lateGaps.append(position[Delivery(message: message, copy: 4, attempt: 1)]! - first)
        }
        #expect(lateGaps.allSatisfy { $0 > 0 })
        #expect(lateGaps.max()! > 20, "late duplicates should trail by several messages")
    }

    @Test func theScheduleIsAPureFunctionOfTheSeed() {
        #expect(DeliverySchedule.make(seed: Seed(5), workload: workload) == DeliverySchedule.make(seed: Seed(5), workload: workload))
        #expect(DeliverySchedule.make(seed: Seed(5), workload: workload) != DeliverySchedule.make(seed: Seed(6), workload: workload))
    }

    /// The schedule as it was made before it streamed: every copy keyed by arrival slot, sorted.
    func sortedReference(seed: Seed, workload: Workload) -> [Delivery] {
        var generator = SeededGenerator(seed: seed.value)
        var order = Array(0..<workload.messages)
        order.shuffle(using: &generator)
        var keyed: [(slot: Int, delivery: Delivery)] = []
        for (slot, message) in order.enumerated() {
            for copy in 1...workload.deliveriesPerMessage {
                var arrival = slot
                if copy > workload.concurrentDeliveries {
                    arrival += 1 + Int(Mix.combine(seed.value, 0x1A7E_0001, UInt64(message), UInt64(copy)) % DeliverySchedule.maximumLagSlots)
                }
                keyed.append((arrival, Delivery(message: message, copy: copy, attempt: 1)))
            }
        }
        keyed.sort { ($0.slot, $0.delivery.copy, $0.delivery.message) < ($1.slot, $1.delivery.copy, $1.delivery.message) }
        return keyed.map(\.delivery)
    }

    @Test(arguments: [Workload(messages: 300, deliveriesPerMessage: 4, concurrentDeliveries: 3),
                      Workload(messages: 1, deliveriesPerMessage: 5, concurrentDeliveries: 1),
                      Workload(messages: 2_000, deliveriesPerMessage: 6, concurrentDeliveries: 2),
                      Workload(messages: 50, deliveriesPerMessage: 1, concurrentDeliveries: 1)])
    func theStreamedScheduleIsTheSortedOne(workload: Workload) {
        for seed: UInt64 in [1, 5, 0x5EED] {
            let streamed = DeliverySchedule(seed: Seed(seed), workload: workload)
            #expect(Array(streamed) == sortedReference(seed: Seed(seed), workload: workload))
            #expect(streamed.count == workload.messages * workload.deliveriesPerMessage)
        }
    }
}
