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

    /// As `signal`, for async tests: waits with `Task.sleep`, never holding a cooperative thread.
    func signalAwaiting(_ number: Int32, timeoutSeconds: Double = 10) async -> Double? {
        let sent = ContinuousClock.now
        kill(child.pid, number)
        while exitCode == nil {
            exitCode = child.exitCodeIfFinished()
            if exitCode == nil, ContinuousClock.now - sent > .seconds(timeoutSeconds) {
                kill(child.pid, SIGKILL)
                exitCode = await child.exitCode(timeoutSeconds: 5)
                return nil
            }
            if exitCode == nil { try? await Task.sleep(for: .milliseconds(5)) }
        }
        let elapsed = ContinuousClock.now - sent
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
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
