/// One entry of the append-only log of what happened, in Jepsen's vocabulary: `invoke` starts an
/// operation, `ok` says it happened, `fail` says it definitely did not, `info` says we can't know
/// (or, for faults and crashes, that something happened to the processor).
public struct HistoryEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case invoke, ok, fail, info
    }

    /// Position in the merged history; set when the per-worker logs are merged.
    public var index: Int
    public var timeNanos: UInt64
    public var worker: Int
    public var message: Int
    public var copy: Int
    /// The receive number of this copy, from 1.
    public var attempt: Int
    public var subscriber: Int
    public var kind: Kind
    /// What the event is about: a step's name, or one of `Subject`'s reserved names.
    public var subject: String
    public var role: StepRole?
    /// Words for people; no checker reads them and the history hash does not cover them.
    public var detail: String?
    /// What the event establishes, as a value: how an acknowledgement was decided, which fault
    /// fired where, which store error and SQLSTATE.
    public var fact: HistoryFact?
    /// What a step's statement returned, for step events.
    public var rowsReturned: Int?
    public var rowsAffected: Int?
    /// The broker's lease token, on a delivery's invoke.
    public var lease: Int?
    /// The first row a step returned, when a later step or a checker uses its values.
    public var values: StepValues?

    public init(
        index: Int = 0, timeNanos: UInt64, worker: Int, delivery: Delivery, kind: Kind,
        subject: String, role: StepRole? = nil, detail: String? = nil, rowsReturned: Int? = nil, rowsAffected: Int? = nil,
        lease: Int? = nil, values: StepValues? = nil, fact: HistoryFact? = nil
    ) {
        self.index = index
        self.timeNanos = timeNanos
        self.worker = worker
        self.message = delivery.message
        self.copy = delivery.copy
        self.attempt = delivery.attempt
        self.subscriber = delivery.subscriber
        self.kind = kind
        self.subject = subject
        self.role = role
        self.detail = detail
        self.rowsReturned = rowsReturned
        self.rowsAffected = rowsAffected
        self.lease = lease
        self.values = values
        self.fact = fact
    }

    func hash(into hash: inout ContentHash) {
        hash.add(timeNanos)
        hash.add(UInt64(worker) << 32 | UInt64(subscriber))
        hash.add(UInt64(truncatingIfNeeded: message) << 32 | UInt64(copy))
        hash.add(UInt64(attempt) << 32 | UInt64(rowsAffected ?? -1 & 0xFFFF_FFFF))
        hash.add(UInt64(rowsReturned ?? -1 & 0xFFFF_FFFF) << 32 | UInt64(lease ?? 0))
        hash.add(kind.rawValue)
        hash.add(subject)
        hash.add(role?.rawValue ?? "")
        // The typed facts, never the words: rewording a detail changes no history hash.
        if let fact { fact.hash(into: &hash) } else { hash.add(0) }
        values?.hash(into: &hash)
    }

    /// The delivery the event is about; for an actor's run, its record's fields (see `actorTick`).
    public var delivery: Delivery {
        Delivery(message: message, copy: copy, attempt: attempt, subscriber: subscriber)
    }

    /// The actor's run the event is about, or nil for a delivery's event.
    public var actorTick: ActorTick? { ActorTick(recordFields: delivery) }

    /// Whether the event is about a delivery (a message's copy), not an actor's run.
    public var isAboutDelivery: Bool { message >= 0 }

    /// The delivery's label, or the actor run's.
    public var label: String { actorTick?.label ?? delivery.label }

    /// Reserved subjects; step names may not use them (the scenario loader refuses it).
    public enum Subject {
        public static let delivery = "delivery"
        public static let commit = "commit"
        public static let rollback = "rollback"
        public static let fault = "fault"
        public static let crash = "crash"
        public static let timeout = "timeout"
        public static let published = "published"
        public static let deadLetter = "dead-letter"
        /// A delivery's work landed (committed, or its last autocommit step ran) with `done`.
        public static let processed = "processed"
        /// One run of a scenario actor: invoke when it starts, ok / fail / info when it ends.
        public static let tick = "tick"
        /// A handler process was started (docs/handler-protocol.md).
        public static let coldStart = "cold-start"
        /// A statement a handler process sent through the wire proxy.
        public static let statement = "statement"
        /// An actor asked the scenario's `until:` query; the detail says how many rows it returned.
        public static let until = "until"
        public static let all: Set<String> = [delivery, commit, rollback, fault, crash, timeout, published, deadLetter, processed, tick, coldStart,
                                              statement, until]
    }
}
