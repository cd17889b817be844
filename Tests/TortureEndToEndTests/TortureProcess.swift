import Foundation

/// The built `torture` binary, run as a user would run it.
enum TortureProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var scenarios: String { repositoryRoot + "/scenarios" }

    /// Next to the test bundle in SwiftPM's build folder; `TORTURE_BIN` overrides.
    static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["TORTURE_BIN"] { return explicit }
        var candidates: [String] = []
        var bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        for _ in 0..<4 {
            bundle.deleteLastPathComponent()
            candidates.append(bundle.appendingPathComponent("torture").path)
        }
        candidates.append(repositoryRoot + "/.build/debug/torture")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    static func run(_ arguments: [String], in directory: String? = nil, timeoutSeconds: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        // Read both pipes while the process runs so a large output cannot block it.
        nonisolated(unsafe) var stdoutData = Data(), stderrData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { stdoutData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { stderrData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self),
            seconds: Date().timeIntervalSince(started)
        )
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

    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// `torture run …` with reports kept in this workspace and the repository's scenarios.
    func run(_ scenario: String, _ extra: [String]) throws -> TortureProcess.Result {
        try TortureProcess.run(["run", scenario, "--report-dir", reports, "--scenarios", TortureProcess.scenarios] + extra)
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
