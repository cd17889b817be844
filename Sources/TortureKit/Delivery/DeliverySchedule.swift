/// The order in which published copies arrive, a pure function of seed and workload. Messages
/// arrive in a seeded shuffle; a message's concurrent copies are adjacent, so different processors
/// take them at the same moment; its late copies come some dozens of messages later, after the
/// first ones may have finished.
///
/// A sequence made as it is read: the shuffle (4 bytes a message) and the late copies due in the
/// next `maximumLagSlots` slots are all it holds, never the whole schedule.
public struct DeliverySchedule: Sequence, Sendable {
    /// Late duplicates trail their message by 1 to this many message slots.
    static let maximumLagSlots: UInt64 = 64
    private static let lagSalt: UInt64 = 0x1A7E_0001

    public let seed: Seed
    public let workload: Workload

    public init(seed: Seed, workload: Workload) {
        precondition(workload.messages <= Int(Int32.max), "a workload's messages are numbered in 32 bits")
        self.seed = seed
        self.workload = workload
    }

    /// Every copy of every message, once.
    public var count: Int { workload.messages * workload.deliveriesPerMessage }

    public static func make(seed: Seed, workload: Workload) -> [Delivery] {
        Array(DeliverySchedule(seed: seed, workload: workload))
    }

    public func makeIterator() -> Iterator {
        Iterator(seed: seed, workload: workload)
    }

    /// Slot by slot: a slot holds its message's concurrent copies and the late copies of earlier
    /// messages that arrive there, ordered by (copy, message).
    public struct Iterator: IteratorProtocol {
        private let seed: Seed
        private let workload: Workload
        private let order: [Int32]
        private var slot = 0
        /// Late copies by the slot they arrive in, modulo the ring's size: a copy is due 1 to
        /// `maximumLagSlots` slots ahead, so it never lands in the slot being read.
        private var late = [[Delivery]](repeating: [], count: Int(DeliverySchedule.maximumLagSlots) + 1)
        private var lateCount = 0
        private var ready: [Delivery] = []
        private var readyPosition = 0
        /// Copies yielded so far: every copy of every message, once, when the schedule ends.
        private var yielded = 0
        private var arrivals: ArrivalTimes
        /// When the slot being read arrives, from the run's start (the workload's `arrival`).
        public private(set) var arrivalNanos: UInt64 = 0

        init(seed: Seed, workload: Workload) {
            self.seed = seed
            self.workload = workload
            var generator = SeededGenerator(seed: seed.value)
            var order = (0..<workload.messages).map { Int32($0) }
            order.shuffle(using: &generator)
            self.order = order
            arrivals = workload.arrival.times(slots: workload.messages + Int(DeliverySchedule.maximumLagSlots), seed: seed)
        }

        public mutating func next() -> Delivery? {
            while readyPosition == ready.count {
                guard slot < order.count || lateCount > 0 else {
                    assert(yielded == workload.messages * workload.deliveriesPerMessage, "a schedule yields every copy of every message once")
                    return nil
                }
                fill()
            }
            defer { readyPosition += 1 }
            yielded += 1
            return ready[readyPosition]
        }

        private mutating func fill() {
            ready.removeAll(keepingCapacity: true)
            readyPosition = 0
            arrivalNanos = arrivals.next()
            if slot < order.count {
                let message = Int(order[slot])
                for copy in 1...workload.deliveriesPerMessage {
                    let delivery = Delivery(message: message, copy: copy, attempt: 1)
                    guard copy > workload.concurrentDeliveries else {
                        ready.append(delivery)
                        continue
                    }
                    let lag = Mix.combine(seed.value, DeliverySchedule.lagSalt, UInt64(message), UInt64(copy)) % DeliverySchedule.maximumLagSlots
                    let due = (slot + 1 + Int(lag)) % late.count
                    assert(due != slot % late.count, "a late copy never lands in the slot being read")
                    late[due].append(delivery)
                    lateCount += 1
                }
            }
            let bucket = slot % late.count
            if !late[bucket].isEmpty {
                // The slot's own copies are in copy order already; arrivals from earlier slots
                // are merged in by (copy, message).
                ready += late[bucket]
                lateCount -= late[bucket].count
                late[bucket].removeAll(keepingCapacity: true)
                ready.sort { ($0.copy, $0.message) < ($1.copy, $1.message) }
            }
            assert(lateCount >= 0 && lateCount == late.reduce(0) { $0 + $1.count }, "the late copies counted are the late copies held")
            slot += 1
        }
    }
}

/// A published copy and when it arrives, from the run's start.
struct ArrivingDelivery {
    var delivery: Delivery
    var arrivalNanos: UInt64
}

/// The schedule as the broker reads it: each copy with its slot's arrival.
struct ArrivingDeliveries: IteratorProtocol {
    var schedule: DeliverySchedule.Iterator

    mutating func next() -> ArrivingDelivery? {
        schedule.next().map { ArrivingDelivery(delivery: $0, arrivalNanos: schedule.arrivalNanos) }
    }
}

/// A fixed list of copies, all there at the start.
struct DeliveriesAtOnce: IteratorProtocol {
    var deliveries: IndexingIterator<[Delivery]>

    mutating func next() -> ArrivingDelivery? {
        deliveries.next().map { ArrivingDelivery(delivery: $0, arrivalNanos: 0) }
    }
}
