/// One hand-over of a message to a processor. A message is published to each subscriber as
/// `copy` 1…n (the at-least-once duplicates); each copy is a queue entry that may be received
/// several times, `attempt` counting its receives from 1 (SQS's ApproximateReceiveCount).
public struct Delivery: Sendable, Equatable, Hashable, Codable {
    public var message: Int
    public var copy: Int
    public var attempt: Int
    public var subscriber: Int

    public init(message: Int, copy: Int = 1, attempt: Int, subscriber: Int = 0) {
        self.message = message
        self.copy = copy
        self.attempt = attempt
        self.subscriber = subscriber
    }

    /// The copy a `duplicate` fault injects: a pure function of where it fired, so the same seed
    /// names the same copies. Published copies are below `firstInjectedCopy`; injected copies
    /// never spawn further duplicates, which bounds them.
    public static func injectedCopy(of delivery: Delivery, at point: InjectionPoint) -> Int {
        firstInjectedCopy * delivery.copy + 16 * min(delivery.attempt, 99) + Int(point.code)
    }

    public static let firstInjectedCopy = 10_000
    /// Copies an actor publishes again (a sweeper's republication) count from here, per message.
    public static let firstRepublishedCopy = 1_000_000

    /// Injected and republished copies: faults never duplicate them, which bounds the copies.
    public var isInjectedCopy: Bool { copy >= Self.firstInjectedCopy }

    /// An actor's tick, written in a delivery's fields so the history needs no others: no message
    /// (`message` is −1 − the actor's position in the file), `copy` the instance (from 1), `attempt`
    /// the tick (from 1). Checkers of deliveries pass over these (`isActorTick`).
    public static func actorTick(actor: Int, instance: Int, tick: Int) -> Delivery {
        Delivery(message: -1 - actor, copy: instance, attempt: tick)
    }

    public var isActorTick: Bool { message < 0 }
    /// The actor's position in the file, for an actor's tick.
    public var actorIndex: Int? { isActorTick ? -1 - message : nil }

    /// Unique within a run: `m-00417/2#3` is copy 2's third receive (subscriber `s1:` first when
    /// fanned out); an actor's tick is `actor 0.1 run 3` (actor 0, instance 1, tick 3).
    public var label: String {
        if let actor = actorIndex { return "actor \(actor).\(copy) run \(attempt)" }
        let base = "\(Names.message(message))/\(copy)#\(attempt)"
        return subscriber == 0 ? base : "\(Names.subscriber(subscriber)):\(base)"
    }
}

/// How messages, workers and subscribers are named to people: in output, witnesses and bound parameters.
public enum Names {
    public static func message(_ index: Int) -> String { padded(prefix: UInt8(ascii: "m"), index, to: 5) }
    public static func worker(_ index: Int) -> String { padded(prefix: UInt8(ascii: "w"), index, to: 2) }
    public static func subscriber(_ index: Int) -> String {
        index >= 0 && index < smallSubscribers.count ? smallSubscribers[index] : "s\(index)"
    }

    private static let smallSubscribers = (0..<16).map { "s\($0)" }

    /// The index back from `m-00417`; nil for anything else.
    public static func messageIndex(_ name: String) -> Int? {
        guard name.hasPrefix("m-") else { return nil }
        return Int(name.dropFirst(2))
    }

    /// `m-00417`: made once per delivery, so written into a stack buffer rather than joined
    /// from pieces.
    private static func padded(prefix: UInt8, _ value: Int, to width: Int) -> String {
        // No message or worker has a negative number; should one come, say it plainly.
        guard value >= 0 else { return "\(Character(UnicodeScalar(prefix)))-\(value)" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var digits = 0, rest = value
            repeat { digits += 1; rest /= 10 } while rest > 0
            let length = 2 + max(digits, width)
            buffer[0] = prefix
            buffer[1] = UInt8(ascii: "-")
            rest = value
            for position in stride(from: length - 1, through: 2, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
    }
}
