/// A checker's answer for one invariant: held or violated, with the evidence.
public struct Verdict: Sendable, Codable, Equatable {
    public var invariant: String
    public var held: Bool
    /// All witnesses found; `witnesses` keeps the first `Verdict.witnessLimit` of them.
    public var witnessCount: Int
    public var witnesses: [Witness]

    /// A run with a million broken messages does not need a million-line report.
    public static let witnessLimit = 100

    public init(invariant: String, witnesses found: [Witness]) {
        self.invariant = invariant
        self.held = found.isEmpty
        self.witnessCount = found.count
        self.witnesses = Array(found.prefix(Self.witnessLimit))
    }

    public init(invariant: String, witnesses found: WitnessList) {
        self.invariant = invariant
        self.held = found.isEmpty
        self.witnessCount = found.count
        self.witnesses = found.kept
    }
}

/// Witnesses as a checker finds them, in order: the first `Verdict.witnessLimit` kept, the rest
/// only counted. A million-message run with 600 000 broken messages holds a hundred witnesses,
/// not 600 000, and words no text for the others (`append` takes its witness as an autoclosure).
public struct WitnessList: Sendable {
    public private(set) var kept: [Witness] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ witness: @autoclosure () -> Witness) {
        count += 1
        if kept.count < Verdict.witnessLimit { kept.append(witness()) }
        assert(kept.count == min(count, Verdict.witnessLimit), "a witness list keeps the first witnesses up to the limit, and counts all")
    }
}

/// One piece of evidence, in words a person reads and in ids a tool follows.
public struct Witness: Sendable, Codable, Equatable {
    public var message: String?
    public var workers: [String]
    /// Indices into the merged history.
    public var events: [Int]
    public var text: String

    public init(message: String?, workers: [String], events: [Int], text: String) {
        self.message = message
        self.workers = workers
        self.events = events
        self.text = text
    }
}

/// What every checker sees: the merged history (a sequence that streams from the processors'
/// logs), the queue tally, the workload's size, the delivery policy, and the final store.
public struct CheckInput {
    public var history: History
    public var messages: Int
    public var policy: DeliveryPolicy
    public var dialect: Dialect
    public var store: any StoreConnection
    /// The history summarised per message and per queue entry, computed once for all checkers
    /// (in the engine's one pass, or here in a pass of its own when not given).
    public let queue: QueueTally

    public init(
        history: History, messages: Int, policy: DeliveryPolicy = .standard, dialect: Dialect, store: any StoreConnection,
        queue: QueueTally? = nil
    ) {
        self.history = history
        self.messages = messages
        self.policy = policy
        self.dialect = dialect
        self.store = store
        self.queue = queue ?? QueueTally(history, messages: messages, subscribers: policy.subscribers)
    }

    /// "m-00417", or "m-00417 (subscriber s1)" when messages fan out.
    public func describe(_ key: MessageKey) -> String {
        policy.subscribers > 1 ? "\(Names.message(key.message)) (subscriber \(Names.subscriber(key.subscriber)))" : Names.message(key.message)
    }
}

/// A function of (history, final store) → verdict: one invariant. Throws only when the store
/// cannot be read. A checker that walks `input.history` reads it from the processors' logs (from
/// disk past the memory budget) in a pass of its own; one that conforms to `StreamingChecker`
/// shares the engine's single pass. The built-in ones come from `CheckerCatalogue`; a scenario may carry its own
/// (`Scenario.checkers`), and `RunEngine` runs whichever it is given.
public protocol Checker: Sendable {
    var invariant: String { get }
    func check(_ input: CheckInput) throws(StoreError) -> Verdict
}

enum WorkerList {
    /// "w-12 and w-51", "w-01, w-02 and w-03".
    static func words(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "nobody" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
