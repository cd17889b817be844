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

    /// Sends `number` and returns the seconds until the process exited, nil if it had not after
    /// `timeoutSeconds` (then it is killed). The signal and the exit are timed on a thread of
    /// their own, blocked in `waitpid`: the test's cooperative pool is shared with every suite
    /// running at once, and a poll from it wakes late on a loaded machine, adding its lateness to
    /// the child's. The test itself only sleeps (`Task.sleep`) while it waits.
    func signalAwaiting(_ number: Int32, timeoutSeconds: Double = 10) async -> Double? {
        let timing = ExitTiming()
        let pid = child.pid
        let waiter = Thread {
            let sent = ContinuousClock.now
            kill(pid, number)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let elapsed = ContinuousClock.now - sent
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            timing.finished(code: code, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        waiter.start()
        let began = ContinuousClock.now
        var killed = false
        while true {
            if let (code, seconds) = timing.result {
                exitCode = code
                return killed ? nil : seconds
            }
            if !killed, ContinuousClock.now - began > .seconds(timeoutSeconds) {
                kill(pid, SIGKILL)
                killed = true
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

    /// Sends `signal` and waits for the exit; returns the seconds it took, or nil past `timeoutSeconds`.
    func signal(_ number: Int32, timeoutSeconds: Double = 10) -> Double? {
        let sent = ContinuousClock.now
        kill(child.pid, number)
        while exitCode == nil {
            exitCode = child.exitCodeIfFinished()
            if exitCode == nil, ContinuousClock.now - sent > .seconds(timeoutSeconds) {
                kill(child.pid, SIGKILL)
                _ = child.exitCodeBlocking()
                return nil
            }
            usleep(5_000)
        }
        let elapsed = ContinuousClock.now - sent
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// What the waiting thread saw: the exit code and the seconds from the signal to the exit.
private final class ExitTiming: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Int32, Double)?

    func finished(code: Int32, seconds: Double) {
        lock.withLock { value = (code, seconds) }
    }

    var result: (Int32, Double)? { lock.withLock { value } }
}
