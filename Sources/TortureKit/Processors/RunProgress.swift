import Synchronization

/// Counters a progress line can read while a run is going; written by processors, read by the CLI.
public final class RunProgress: Sendable {
    private let finished = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let total = Atomic<Int>(0)

    public init() {}

    public var deliveriesFinished: Int { finished.load(ordering: .relaxed) }
    public var deliveriesFailed: Int { failed.load(ordering: .relaxed) }
    public var deliveriesTotal: Int { total.load(ordering: .relaxed) }

    func start(total count: Int) { total.store(count, ordering: .relaxed) }

    func deliveryFinished(failed didFail: Bool) {
        finished.add(1, ordering: .relaxed)
        if didFail { failed.add(1, ordering: .relaxed) }
    }
}

/// Set by the first processor that finds the store gone; the others stop taking deliveries.
/// Every processor asks `isSet` once per delivery, so that is one atomic load; the lock guards
/// only the reason, written once.
final class RunAbort: Sendable {
    private let flag = Atomic<Bool>(false)
    private let reason = Mutex<String?>(nil)

    var isSet: Bool { flag.load(ordering: .acquiring) }
    var message: String? { reason.withLock { $0 } }

    func set(_ text: String) {
        reason.withLock { current in
            if current == nil { current = text }
        }
        flag.store(true, ordering: .releasing)
    }
}
