extension HistoryEvent {
    public var messageKey: MessageKey { MessageKey(message: message, subscriber: subscriber) }
    public var entryKey: EntryKey { EntryKey(message: message, copy: copy, subscriber: subscriber) }
}

/// An event named by what a witness needs of it: its position and its worker.
public struct EventReference: Sendable, Equatable {
    public var index: Int
    public var worker: Int

    public init(_ event: HistoryEvent) {
        index = event.index
        worker = event.worker
    }
}
