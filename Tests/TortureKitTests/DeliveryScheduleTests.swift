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
}
