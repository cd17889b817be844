import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM during a run or a soak: the first one calls `onSignal` (ask the work to wind
/// down and report what it has); if the work has not finished `deadlineSeconds` later, the
/// deadline action writes what it can and exits, so torture always ends within two seconds of a
/// signal. Started first thing, before anything is made: a signal that comes early finds the
/// work already asked to stop when it begins, and until the work sets its own deadline action
/// there is nothing to clean up, so the default one just exits. A second signal changes nothing.
final class InterruptSignals: @unchecked Sendable {
    private let deadlineSeconds: Double
    private let onSignal: @Sendable (Int32) -> Void
    /// Guarded by `lock`: set from the command's task, read on a Dispatch queue.
    private let lock = NSLock()
    private var deadlineAction: @Sendable (Int32) -> Void = { signal in
        exitNow(128 + signal)
    }
    private let first = Atomic<Int32>(0)
    private let reportFinished = Atomic<Bool>(false)
    private var sources: [any DispatchSourceSignal] = []

    /// Two seconds, less the time a process takes to go.
    static let hardLimitSeconds = 1.9

    init(deadlineSeconds: Double, onSignal: @escaping @Sendable (Int32) -> Void) {
        self.deadlineSeconds = deadlineSeconds
        self.onSignal = onSignal
    }

    /// What to do when the deadline passes with the work unfinished.
    func onDeadline(_ action: @escaping @Sendable (Int32) -> Void) {
        lock.withLock { deadlineAction = action }
    }

    /// The report is written whole: the hard limit, if it still fires, cuts nothing of it.
    func finishedReport() {
        reportFinished.store(true, ordering: .releasing)
    }

    func start() {
        for number in [SIGINT, SIGTERM] {
            // The default action would kill the process before the report is written.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                guard first.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged else { return }
                onSignal(number)
                // Timers on threads of their own, asleep in the kernel: a Dispatch timer needs a
                // free worker of the global pool to run, and under CI's load one fired 280 ms late.
                Self.after(seconds: deadlineSeconds) { [self] in
                    let action = lock.withLock { deadlineAction }
                    action(number)
                }
                // Whatever is still being written then: on a machine so loaded that writing the
                // report outlasts the promise, the promise wins. Stores are removed before reports
                // are written, and every file is renamed into place whole, so this leaves fewer
                // files, never half of one.
                Self.after(seconds: Self.hardLimitSeconds) { [self] in
                    if !reportFinished.load(ordering: .acquiring) { Console.error(Self.cutNote(signal: number)) }
                    exitNow(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}

extension InterruptSignals {
    /// Runs `action` on a new thread once `seconds` have passed since the call.
    static func after(seconds: Double, _ action: @escaping @Sendable () -> Void) {
        let due = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        Thread.detachNewThread {
            while case let left = due - ContinuousClock.now, left > .zero {
                Thread.sleep(forTimeInterval: Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)
            }
            action()
        }
    }

    /// Why files the user expects may be missing from the folder the last lines named.
    static func cutNote(signal: Int32) -> String {
        "note: exiting \(hardLimitSeconds) s after signal \(signal) with the report still being written, as a signal allows "
            + "two seconds: the summary comes first; what comes after it (index.html, the .hgrm files, history.jsonl) may be missing"
    }
}

/// Who writes the final report, when the work's own end and a signal's deadline may both try:
/// the first to claim it; the other writes nothing.
final class FinalWriter: Sendable {
    private let claimed = Atomic<Bool>(false)

    func claim() -> Bool {
        claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}

/// Ends the process at a signal's deadline: output flushed, then `_exit`, not `exit`. Threads of
/// the abandoned run are still busy, and `exit`'s clean-up was seen to wait on them for seconds;
/// everything torture writes is flushed or renamed into place before this.
func exitNow(_ code: Int32) -> Never {
    fflush(nil)
    _exit(code)
}
