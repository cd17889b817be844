import Foundation

/// The built binary started in the background, for tests that signal it mid-way. Started through
/// `ChildProcess` (posix_spawn + waitpid) like every other end-to-end run.
final class RunningTorture {
    private let child: ChildProcess
    /// The exit code, once `signal` has seen the process end.
    private(set) var exitCode: Int32?

    init(_ arguments: [String], in workspace: Workspace) throws {
        child = try ChildProcess(executable: TortureBinary.path, arguments: arguments)
    }

    var pid: pid_t { child.pid }
    var stdout: String { child.stdout }
    var stderr: String { child.stderr }

    /// Sends `number` once `ready()` holds and returns the seconds until the process exited, nil
    /// if it had not after `timeoutSeconds` (then it is killed). `ready` is polled, and the signal
    /// and the exit timed, on a thread of their own: the test's cooperative pool is shared with
    /// every suite running at once, and a poll from it can wake seconds late on a loaded machine,
    /// long enough for the run to finish before its signal (seen in CI) or to add its lateness to
    /// the child's. The test itself only sleeps (`Task.sleep`) while it waits. Throws if `ready`
    /// has not held within `readyWithinSeconds` or the process ended first.
    func signalAwaiting(_ number: Int32, once ready: @escaping @Sendable () -> Bool = { true },
                        readyWithinSeconds: Double = 120, timeoutSeconds: Double = 10) async throws -> Double? {
        let timing = ExitTiming()
        let pid = child.pid
        let waiter = Thread {
            let waiting = ContinuousClock.now
            while !ready() {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    return timing.neverReady(code: ChildProcess.exitCode(ofWaitStatus: status), why: "the process ended before it was ready for the signal")
                }
                if ContinuousClock.now - waiting > .seconds(readyWithinSeconds) {
                    kill(pid, SIGKILL)
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                    return timing.neverReady(code: ChildProcess.exitCode(ofWaitStatus: status), why: "not ready for the signal within \(readyWithinSeconds) s")
                }
                usleep(25_000)
            }
            let sent = ContinuousClock.now
            timing.sent(at: sent)
            kill(pid, number)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let elapsed = ContinuousClock.now - sent
            timing.finished(code: ChildProcess.exitCode(ofWaitStatus: status), seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        waiter.start()
        var killed = false
        while true {
            switch timing.state {
            case .waiting: break
            case .sent(let at):
                if !killed, ContinuousClock.now - at > .seconds(timeoutSeconds) {
                    kill(pid, SIGKILL)
                    killed = true
                }
            case .neverReady(let code, let why):
                exitCode = code
                throw NotReadyForSignal(reason: why, stderr: stderr)
            case .finished(let code, let seconds):
                exitCode = code
                return killed ? nil : seconds
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops a child a failed test left running.
    func stop() {
        guard exitCode == nil else { return }
        Glibc.kill(child.pid, SIGKILL)
        exitCode = child.exitCodeBlocking()
    }
}

/// Why a child was never signalled, with what it printed on stderr.
struct NotReadyForSignal: Error, CustomStringConvertible {
    let reason: String
    let stderr: String
    var description: String { "\(reason); stderr: \(stderr)" }
}

/// What the waiting thread has seen so far.
private final class ExitTiming: @unchecked Sendable {
    enum State {
        case waiting
        case sent(at: ContinuousClock.Instant)
        case neverReady(code: Int32, why: String)
        case finished(code: Int32, seconds: Double)
    }

    private let lock = NSLock()
    private var value = State.waiting

    func sent(at instant: ContinuousClock.Instant) { lock.withLock { value = .sent(at: instant) } }
    func neverReady(code: Int32, why: String) { lock.withLock { value = .neverReady(code: code, why: why) } }
    func finished(code: Int32, seconds: Double) { lock.withLock { value = .finished(code: code, seconds: seconds) } }

    var state: State { lock.withLock { value } }
}
