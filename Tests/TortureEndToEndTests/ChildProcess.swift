import Foundation
import Synchronization

/// A child process started with `posix_spawn`, its output sent to files and its exit collected
/// with `waitpid`. Foundation's `Process.waitUntilExit` was seen to hang on Linux after a child had
/// already exited (left a zombie, never reaped): these tests must not hang. The folder holding
/// the output files goes when the last reference to the child does.
final class ChildProcess: Sendable {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let folder: String

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Every process this test run started: a PostgreSQL run's schema ends in its process id, so
    /// the tests know their own schemas from those of anyone else using the server.
    static let started = Mutex<Set<pid_t>>([getpid()])

    init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        let folder = NSTemporaryDirectory() + "torture-e2e-\(UUID().uuidString)"
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        stdoutPath = folder + "/stdout"
        stderrPath = folder + "/stderr"
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard status == 0 else {
            throw SpawnFailure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        Self.started.withLock { _ = $0.insert(child) }
    }

    /// What a shell reports for a `waitpid` status: the exit code, or 128 + the signal that ended it.
    static func exitCode(ofWaitStatus status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The exit code once the child has exited, nil while it runs.
    func exitCodeIfFinished() -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return Self.exitCode(ofWaitStatus: status)
    }

    /// Polls for the exit without holding a thread of the cooperative pool; kills after the timeout.
    func exitCode(timeoutSeconds: Double = 300) async -> Int32 {
        let started = ContinuousClock.now
        while true {
            if let code = exitCodeIfFinished() { return code }
            if ContinuousClock.now - started > .seconds(timeoutSeconds) { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// For short helpers (psql, the cluster script): blocks until the exit.
    func exitCodeBlocking() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Self.exitCode(ofWaitStatus: status)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    struct SpawnFailure: Error, CustomStringConvertible {
        var description: String
    }
}
