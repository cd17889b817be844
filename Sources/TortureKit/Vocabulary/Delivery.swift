/// One hand-over of a message to a processor. A message is published to each subscriber as
/// `copy` 1…n (the at-least-once duplicates; faults and actors add copies, see `CopyOrigin`);
/// each copy is a queue entry that may be received several times, `attempt` counting its
/// receives from 1 (SQS's ApproximateReceiveCount).
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

    /// Where this copy came from, read back from `copy`.
    public var origin: CopyOrigin { CopyOrigin(code: copy) }

    /// Faults never duplicate an injected or republished copy: that bounds the copies.
    public var isInjectedCopy: Bool {
        if case .published = origin { return false }
        return true
    }

    /// The copy a `duplicate` fault injects: a pure function of where it fired, so the same seed
    /// names the same copies.
    public static func injectedCopy(of delivery: Delivery, at point: InjectionPoint) -> Int {
        guard case .published(let copy) = delivery.origin else {
            preconditionFailure("only a published copy is duplicated, not \(delivery.label)")
        }
        return CopyOrigin.injected(fromCopy: copy, attempt: delivery.attempt, point: point).code
    }

    /// Unique within a run: `m-00417/2#3` is copy 2's third receive (subscriber `s1:` first when
    /// fanned out); an injected copy is `m-00417/2#3@after-claim#1` (the duplicate a fault at
    /// `after-claim` of copy 2's third receive published, received once), a republished one
    /// `m-00417/r1#1`.
    public var label: String {
        let base = "\(Names.message(message))/\(origin.label)#\(attempt)"
        return subscriber == 0 ? base : "\(Names.subscriber(subscriber)):\(base)"
    }
}

/// Where a copy of a message came from, encoded in `Delivery.copy` without collisions: a
/// published copy is its number (1…n, as people count them), the others carry a tag in the top
/// bits and their fields below it.
public enum CopyOrigin: Hashable, Sendable {
    /// The workload's at-least-once copies, 1…`deliveries-per-message`.
    case published(Int)
    /// A `duplicate` fault at `point` of published copy `fromCopy`'s receive `attempt`.
    case injected(fromCopy: Int, attempt: Int, point: InjectionPoint)
    /// An actor published the message again, for the nth time.
    case republished(Int)

    private static let injectedTag = 1 << 62
    private static let republishedTag = 1 << 61
    /// Field widths of an injected copy: the point's code, then the receive, then the copy.
    private static let pointBits = 4
    private static let attemptBits = 20
    private static let copyBits = 61 - pointBits - attemptBits
    static let attemptLimit = 1 << attemptBits
    static let copyLimit = 1 << copyBits

    public var code: Int {
        switch self {
        case .published(let copy):
            precondition(copy >= 1 && copy < Self.republishedTag, "a published copy counts from 1")
            return copy
        case .injected(let copy, let attempt, let point):
            precondition(copy >= 1 && copy < Self.copyLimit, "an injected copy's source copy \(copy) fits its field")
            precondition(attempt >= 1 && attempt < Self.attemptLimit, "an injected copy's receive \(attempt) fits its field")
            return Self.injectedTag | copy << (Self.pointBits + Self.attemptBits) | attempt << Self.pointBits | Int(point.code)
        case .republished(let count):
            precondition(count >= 1 && count < Self.republishedTag, "a republication counts from 1")
            return Self.republishedTag | count
        }
    }

    public init(code: Int) {
        precondition(code >= 1, "copy codes are positive")
        if code & Self.injectedTag != 0 {
            let fields = code & ~Self.injectedTag
            let pointCode = UInt64(fields & (1 << Self.pointBits - 1))
            guard let point = InjectionPoint.allCases.first(where: { $0.code == pointCode }) else {
                preconditionFailure("copy code \(code) names injection point \(pointCode), which does not exist")
            }
            self = .injected(fromCopy: fields >> (Self.pointBits + Self.attemptBits),
                             attempt: fields >> Self.pointBits & (Self.attemptLimit - 1), point: point)
        } else if code & Self.republishedTag != 0 {
            self = .republished(code & ~Self.republishedTag)
        } else {
            self = .published(code)
        }
    }

    /// `2`, `2#3@after-claim`, `r1`.
    public var label: String {
        switch self {
        case .published(let copy): "\(copy)"
        case .injected(let copy, let attempt, let point): "\(copy)#\(attempt)@\(point.rawValue)"
        case .republished(let count): "r\(count)"
        }
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
