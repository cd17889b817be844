import Synchronization

/// Set when a run must wind down unfinished (the simulation used up its job budget): every
/// processor stops taking deliveries and cuts its pauses short, and hands back what it recorded.
final class RunStop: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() {
        flag.store(true, ordering: .releasing)
    }
}
