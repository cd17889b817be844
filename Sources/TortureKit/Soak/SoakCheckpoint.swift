import Synchronization

/// The hand-over point between a soak and whoever ends it. The soak publishes its summary after
/// every run and writes each failed run's report while holding the lock; `close` takes the lock,
/// so it waits for a report being written, and after it the soak writes nothing more. Whoever
/// closes first — the soak at its natural end, or the CLI's two-second deadline after a signal —
/// gets the summary and writes it; the other gets nil. Nothing is written twice or half.
public final class SoakCheckpoint: Sendable {
    private struct State: Sendable {
        var latest: SoakSummary?
        var closed = false
        var storeInHand: (any Store)?
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` unless the checkpoint is closed, and publishes the summary it returns.
    /// Returns false when closed: the soak must stop without writing.
    func whileOpen(_ body: () -> SoakSummary) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.latest = body()
            return true
        }
    }

    /// The store of the run going now: if the soak is abandoned under it, whoever closes the
    /// checkpoint removes it, or says what is left.
    func holdStore(_ store: (any Store)?) {
        state.withLock { $0.storeInHand = store }
    }

    public var storeInHand: (any Store)? { state.withLock { $0.storeInHand } }

    /// The latest summary, once: nil if it was already closed or nothing was published.
    public func close() -> SoakSummary? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            return state.latest
        }
    }
}
