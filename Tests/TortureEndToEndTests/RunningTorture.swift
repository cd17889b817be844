import Foundation

/// The built binary started in the background, for tests that signal it mid-way.
final class RunningTorture {
    let process = Process()
    private let outFile: String
    private let errFile: String

    init(_ arguments: [String], in workspace: Workspace) throws {
        // Files, not pipes: nothing can block the child however much it prints.
        outFile = workspace.path + "/running.out"
        errFile = workspace.path + "/running.err"
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: TortureProcess.binary)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var stdout: String { (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the exit; returns the seconds it took, or nil past `timeoutSeconds`.
    func signal(_ number: Int32, timeoutSeconds: Double = 10) -> Double? {
        let sent = Date()
        kill(process.processIdentifier, number)
        while process.isRunning, Date().timeIntervalSince(sent) < timeoutSeconds { usleep(5_000) }
        guard !process.isRunning else {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return Date().timeIntervalSince(sent)
    }
}
