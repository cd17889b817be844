import Foundation

/// The built `torture` binary, run as a user would run it, from tests that wait for it in place.
/// Started through `ChildProcess` (posix_spawn + waitpid), like `TortureBinary`'s async runs.
enum TortureProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static var repositoryRoot: String { TortureBinary.packageRoot }
    static var scenarios: String { repositoryRoot + "/scenarios" }

    /// As `run`, for async tests: waits with `Task.sleep`, so a long child never holds one of the
    /// cooperative pool's two threads — every async test in this process (engine runs included)
    /// needs them, and two blocked threads stall them all.
    static func runAwaiting(_ arguments: [String], in folder: String? = nil, timeoutSeconds: Double = 120) async throws -> Result {
        let started = ContinuousClock.now
        let child = try child(arguments, in: folder)
        let status = await child.exitCode(timeoutSeconds: timeoutSeconds)
        let elapsed = ContinuousClock.now - started
        return Result(status: status, stdout: child.stdout, stderr: child.stderr,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private static func child(_ arguments: [String], in folder: String?) throws -> ChildProcess {
        if let folder {
            try ChildProcess(executable: "/bin/sh", arguments: ["-c", "cd \"$0\" && exec \"$@\"", folder, TortureBinary.path] + arguments)
        } else {
            try ChildProcess(executable: TortureBinary.path, arguments: arguments)
        }
    }

}

/// A fresh working folder per test.
final class Workspace {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "torture-e2e-" + String(UInt64.random(in: .min ... .max), radix: 16)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var reports: String { path + "/reports" }

    /// Writes through a close-on-exec descriptor: a process another test spawns meanwhile must not
    /// inherit it, or a script written here stays open for writing in that process, and running
    /// it fails with ETXTBSY for as long as that process lives.
    func write(_ name: String, _ text: String, appending: Bool = false) throws -> String {
        let file = path + "/" + name
        let descriptor = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | (appending ? O_APPEND : O_TRUNC), 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
            offset += written
        }
        return file
    }

    /// `torture run …` with reports kept in this workspace and the repository's scenarios.
    func run(_ scenario: String, _ extra: [String]) async throws -> TortureProcess.Result {
        try await TortureProcess.runAwaiting(["run", scenario, "--report-dir", reports, "--scenarios", TortureProcess.scenarios] + extra)
    }

    /// The report folder the run printed (`report: …`).
    func reportDirectory(from output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("report: ") }.map { String($0.dropFirst("report: ".count)) }
    }

    func report(at directory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/report.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

extension String {
    /// The value printed after `label` on its line, e.g. `fault plan 0x…`.
    func word(after label: String) -> String? {
        guard let range = range(of: label + " ") else { return nil }
        return self[range.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init)
    }

    func line(startingWith prefix: String) -> String? {
        split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init)
    }
}
