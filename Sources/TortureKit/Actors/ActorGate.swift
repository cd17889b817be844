import Synchronization

/// `overlap: false`: at most one instance of an actor is in a run at a time, as a cron job behind
/// a lock; an instance that finds the gate taken skips that run.
final class ActorGate: Sendable {
    private let running = Atomic<Bool>(false)

    func tryEnter() -> Bool {
        running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func leave() {
        running.store(false, ordering: .releasing)
    }
}
