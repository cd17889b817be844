import Synchronization

/// A request from outside (the CLI's SIGINT / SIGTERM handler) to end a run now: every run
/// watching it stops taking deliveries and cuts its pauses short, and the engine reports what was
/// recorded, with status `interrupted` and no verdict, and drops the run's space as after a pass.
/// One interruption may be watched by many runs in turn (a soak's); the first signal wins.
public final class RunInterruption: Sendable {
    private struct State {
        var signal: Int32 = 0
        var watchers: [Int: RunStop] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func interrupt(signal number: Int32) {
        precondition(number > 0, "an interruption names the signal that caused it")
        let stops = state.withLock { state -> [RunStop] in
            guard state.signal == 0 else { return [] }
            state.signal = number
            return Array(state.watchers.values)
        }
        for stop in stops { stop.set() }
    }

    /// The signal that asked for it, once asked.
    public var signalNumber: Int32? {
        let number = state.withLock { $0.signal }
        return number == 0 ? nil : number
    }

    /// The run's stop is set when the interruption comes, or at once if it already came.
    func watch(_ stop: RunStop) -> Int {
        let (token, interrupted) = state.withLock { state in
            state.nextToken += 1
            state.watchers[state.nextToken] = stop
            return (state.nextToken, state.signal != 0)
        }
        if interrupted { stop.set() }
        return token
    }

    func unwatch(_ token: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: token) }
    }
}
