/// The order in which published copies arrive, a pure function of seed and workload. Messages
/// arrive in a seeded shuffle; a message's concurrent copies are adjacent, so different processors
/// take them at the same moment; its late copies come some dozens of messages later, after the
/// first ones may have finished.
public enum DeliverySchedule {
    /// Late duplicates trail their message by 1 to this many message slots.
    static let maximumLagSlots: UInt64 = 64
    private static let lagSalt: UInt64 = 0x1A7E_0001

    public static func make(seed: Seed, workload: Workload) -> [Delivery] {
        var generator = SeededGenerator(seed: seed.value)
        var order = Array(0..<workload.messages)
        order.shuffle(using: &generator)

        var keyed: [(slot: Int, delivery: Delivery)] = []
        keyed.reserveCapacity(workload.messages * workload.deliveriesPerMessage)
        for (slot, message) in order.enumerated() {
            for copy in 1...workload.deliveriesPerMessage {
                var arrival = slot
                if copy > workload.concurrentDeliveries {
                    let lag = Mix.combine(seed.value, lagSalt, UInt64(message), UInt64(copy)) % maximumLagSlots
                    arrival += 1 + Int(lag)
                }
                keyed.append((arrival, Delivery(message: message, copy: copy, attempt: 1)))
            }
        }
        // On (slot, copy): concurrent copies stay together, late ones slot in behind.
        keyed.sort { ($0.slot, $0.delivery.copy, $0.delivery.message) < ($1.slot, $1.delivery.copy, $1.delivery.message) }
        return keyed.map(\.delivery)
    }
}
