/// The order in which the broker hands deliveries over, a pure function of seed and workload.
/// Messages arrive in a seeded shuffle; a message's concurrent deliveries are adjacent, so
/// different processors take them at the same moment; its late deliveries come some dozens of
/// messages later, after the first ones may have finished.
public enum DeliverySchedule {
    /// Late duplicates trail their message by 1 to this many message slots.
    static let maximumLagSlots: UInt64 = 64
    private static let lagSalt: UInt64 = 0x1A7E_0001

    public static func make(seed: Seed, workload: Workload) -> [Delivery] {
        var generator = SeededGenerator(seed: seed.value)
        var order = Array(0..<workload.messages)
        order.shuffle(using: &generator)

        var keyed: [(slot: Int, attempt: Int, delivery: Delivery)] = []
        keyed.reserveCapacity(workload.messages * workload.deliveriesPerMessage)
        for (slot, message) in order.enumerated() {
            for attempt in 1...workload.deliveriesPerMessage {
                var arrival = slot
                if attempt > workload.concurrentDeliveries {
                    let lag = Mix.combine(seed.value, lagSalt, UInt64(message), UInt64(attempt)) % maximumLagSlots
                    arrival += 1 + Int(lag)
                }
                keyed.append((arrival, attempt, Delivery(message: message, attempt: attempt)))
            }
        }
        // Stable on (slot, attempt): concurrent copies stay together, late ones slot in behind.
        keyed.sort { ($0.slot, $0.attempt, $0.delivery.message) < ($1.slot, $1.attempt, $1.delivery.message) }
        return keyed.map(\.delivery)
    }
}
