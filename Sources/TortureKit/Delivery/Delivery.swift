/// One hand-over of a message to a processor. `attempt` counts the message's deliveries from 1.
public struct Delivery: Sendable, Equatable, Hashable {
    public var message: Int
    public var attempt: Int

    public init(message: Int, attempt: Int) {
        self.message = message
        self.attempt = attempt
    }
}

/// How messages and workers are named to people: in output, witnesses and bound parameters.
public enum Names {
    public static func message(_ index: Int) -> String { "m-" + padded(index, to: 5) }
    public static func worker(_ index: Int) -> String { "w-" + padded(index, to: 2) }

    /// The index back from `m-00417`; nil for anything else.
    public static func messageIndex(_ name: String) -> Int? {
        guard name.hasPrefix("m-") else { return nil }
        return Int(name.dropFirst(2))
    }

    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
