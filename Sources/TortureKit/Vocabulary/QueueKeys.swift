/// A message as one subscriber sees it: what exactly-one-claim and no-loss count per.
public struct MessageKey: Hashable, Sendable, Comparable {
    public var message: Int
    public var subscriber: Int

    public init(message: Int, subscriber: Int) {
        self.message = message
        self.subscriber = subscriber
    }

    public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool {
        (lhs.message, lhs.subscriber) < (rhs.message, rhs.subscriber)
    }
}

/// A queue entry: one copy of a message for one subscriber, received one or more times.
public struct EntryKey: Hashable, Sendable, Comparable {
    public var message: Int
    public var copy: Int
    public var subscriber: Int

    public init(message: Int, copy: Int, subscriber: Int) {
        self.message = message
        self.copy = copy
        self.subscriber = subscriber
    }

    public static func < (lhs: EntryKey, rhs: EntryKey) -> Bool {
        (lhs.message, lhs.subscriber, lhs.copy) < (rhs.message, rhs.subscriber, rhs.copy)
    }

    public var messageKey: MessageKey { MessageKey(message: message, subscriber: subscriber) }
}
