import Foundation

/// The built binary's exit with what it cost, measured by GNU time (`/usr/bin/time`, installed by
/// scripts/install-deps.sh). Not by `wait4` here: posix_spawn's child shares the test process's
/// memory until it execs, and Linux carries that memory's peak into the child's `ru_maxrss` — a
/// 30 MB refusal read as the test process's 400 MB. GNU time forks from its own small process.
struct MeasuredExit {
    var exitCode: Int32
    var seconds: Double
    /// User + system: what the work cost whatever else the machine runs; wall time also holds the
    /// waits for a core.
    var cpuSeconds: Double
    var maxResidentBytes: Int
    var stderr: String

    static func of(_ arguments: [String], timeoutSeconds: Double = 120) async throws -> MeasuredExit {
        let figures = NSTemporaryDirectory() + "torture-time-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: figures) }
        let child = try ChildProcess(executable: "/usr/bin/time",
                                     arguments: ["-f", "%M %e %U %S", "-o", figures, TortureBinary.path] + arguments)
        let code = await child.exitCode(timeoutSeconds: timeoutSeconds)
        // The last line; GNU time writes "Command exited with non-zero status N" above it.
        let line = try String(contentsOfFile: figures, encoding: .utf8).split(separator: "\n").last.map(String.init) ?? ""
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 4 else { throw ChildProcess.SpawnFailure(description: "unreadable figures from /usr/bin/time: \(line)") }
        return MeasuredExit(exitCode: code, seconds: numbers[1], cpuSeconds: numbers[2] + numbers[3],
                            maxResidentBytes: Int(numbers[0]) * 1024, stderr: child.stderr)
    }
}
