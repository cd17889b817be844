import Foundation
import Synchronization

/// One running handler process: its stdin to write lines to, its stdout to read lines from, its
/// stderr appended to a file. Used by one processor at a time; blocking reads are fine there,
/// since processors run on executors of their own threads.
final class HandlerChild {
    let pid: pid_t
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8] = []
    private var reaped: Int32?

    /// A line longer than this is refused: the protocol's lines are small.
    static let lineLimit = 1 << 20

    struct SpawnFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Pipes are made and the child spawned under one lock: a pipe made by another thread in
    /// between would be inherited by this child (its close-on-exec flag not yet set), and that
    /// child's stdin would never see its end.
    private static let spawning = Mutex(())

    init(command: [String], workingDirectory: String, environment: [String: String], stderrPath: String) throws(SpawnFailure) {
        Self.ignoreBrokenPipes
        let executable = Self.executable(command[0], in: workingDirectory, path: environment["PATH"] ?? "/usr/bin:/bin")
        let errorFile = open(stderrPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard errorFile >= 0 else { throw SpawnFailure(description: "cannot open \(stderrPath): \(String(cString: strerror(errno)))") }
        defer { close(errorFile) }
        let spawned: Result<(pid_t, Int32, Int32), SpawnFailure> = Self.spawning.withLock { _ in
            var toChild: [Int32] = [0, 0]
            var fromChild: [Int32] = [0, 0]
            guard pipe(&toChild) == 0 else { return .failure(SpawnFailure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")) }
            guard pipe(&fromChild) == 0 else {
                close(toChild[0]); close(toChild[1])
                return .failure(SpawnFailure(description: "cannot make a pipe: \(String(cString: strerror(errno)))"))
            }
            for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errorFile, 2)
            if let changeDirectory = Self.addChangeDirectory { _ = changeDirectory(&actions, workingDirectory) }
            // Nothing of torture's but the three pipes: a proxied socket a child inherited would
            // outlive the proxy's close, and a reset would not reset.
            if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // A group of its own: a kill reaches what the handler started (psql, sqlite3) too,
            // and the terminal's ^C reaches torture alone, which stops the children itself.
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
            posix_spawnattr_setpgroup(&attributes, 0)
            var defaults = sigset_t()
            sigfillset(&defaults)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            let argv = command.map { strdup($0) } + [nil]
            let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer {
                argv.forEach { free($0) }
                envp.forEach { free($0) }
            }
            var child: pid_t = 0
            var status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
            // ETXTBSY: some process still has the program open for writing — often only a child
            // forked elsewhere between its writer's open and its own exec. It passes; wait for it.
            var busyRetries = 0
            while status == ETXTBSY && busyRetries < 100 {
                usleep(10_000)
                busyRetries += 1
                status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
            }
            close(toChild[0])
            close(fromChild[1])
            guard status == 0 else {
                close(toChild[1]); close(fromChild[0])
                return .failure(SpawnFailure(description: "cannot start `\(command[0])` (\(executable)): \(String(cString: strerror(status)))"))
            }
            return .success((child, toChild[1], fromChild[0]))
        }
        switch spawned {
        case .success(let (child, input, output)):
            self.pid = child
            self.input = input
            self.output = output
        case .failure(let failure):
            throw failure
        }
    }

    deinit {
        kill()
        close(input)
        close(output)
    }

    /// Writes one line; false when the child no longer reads (it exited).
    func write(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    enum Read {
        case line(String)
        /// stdout closed: the child exited or closed it.
        case closed
        case timedOut
        /// A line past `lineLimit`, or bytes that are not UTF-8.
        case garbage(String)
        /// `wakeOn` became readable with no whole line waiting.
        case woken
    }

    /// The next line, waiting at most until `deadlineNanos` on the monotonic clock; `shouldStop`
    /// is asked every 100 ms, so a run told to stop is not held by a silent child. With `wakeOn`,
    /// also returns when that descriptor is readable — but stdout first: what the child wrote
    /// before it did what rang is read before the ring is answered.
    func readLine(deadlineNanos: UInt64, wakeOn doorbell: Int32? = nil, shouldStop: () -> Bool) -> Read {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let bytes = buffer[..<newline]
                buffer.removeSubrange(...newline)
                guard let text = String(validating: bytes, as: UTF8.self) else { return .garbage("a line that is not UTF-8") }
                return .line(text)
            }
            guard buffer.count <= Self.lineLimit else { return .garbage("a line longer than \(Self.lineLimit) bytes") }
            let now = Self.monotonicNanos()
            guard now < deadlineNanos, !shouldStop() else { return .timedOut }
            let waitMillis = Int32(min(100, (deadlineNanos - now + 999_999) / 1_000_000))
            var descriptors = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
            if let doorbell { descriptors.append(pollfd(fd: doorbell, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), waitMillis)
            if ready < 0 && errno != EINTR { return .closed }
            guard ready > 0 else { continue }
            if descriptors[0].revents == 0 {
                if descriptors.count > 1 && descriptors[1].revents != 0 { return .woken }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .closed
            }
            if count == 0 { return .closed }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// SIGKILL to the child's group, then reaped: its connection drops with it.
    func kill() {
        guard reaped == nil else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        _ = waitForExit()
    }

    /// How the child ended, waiting for it; nil if it has not within `timeoutMillis`.
    func exitStatus(waitingMillis timeoutMillis: Int) -> Int32? {
        if let reaped { return reaped }
        let deadline = Self.monotonicNanos() + UInt64(timeoutMillis) * 1_000_000
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                reaped = status
                return status
            }
            if result < 0 && errno != EINTR { reaped = 0; return 0 }
            if Self.monotonicNanos() >= deadline { return nil }
            usleep(2_000)
        }
    }

    private func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { status = 0; break }
        }
        reaped = status
        return status
    }

    /// `exited with status 1`, `killed by signal 11`.
    static func words(status: Int32) -> String {
        (status & 0x7f) == 0 ? "exited with status \((status >> 8) & 0xff)" : "killed by signal \(status & 0x7f)"
    }

    static func monotonicNanos() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The program `name` names: a path (relative to the working directory) as is, a bare name
    /// looked up on `PATH`.
    static func executable(_ name: String, in directory: String, path: String) -> String {
        if name.contains("/") { return HandlerFiles.resolve(name, in: directory) }
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return name
    }

    /// A write to a child that has exited must fail as EPIPE, not end torture with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private typealias AddChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    /// glibc ≥ 2.29's `posix_spawn_file_actions_addchdir_np`, which Swift's Glibc module hides.
    private static let addChangeDirectory: AddChangeDirectory? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChangeDirectory.self)
    }()
}
