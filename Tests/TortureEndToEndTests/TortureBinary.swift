import Foundation

/// The built `torture` executable, run as a user would: arguments in, exit code and output out.
enum TortureBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Next to the test bundle (SwiftPM builds both into one folder), else `.build/debug`.
    static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        let candidates = [
            bundle.deletingLastPathComponent().appendingPathComponent("torture").path,
            bundle.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("torture").path,
            packageRoot + "/.build/debug/torture",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    struct Outcome {
        var exitCode: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// `torture` started with absolute paths for scenarios and reports; `finish` collects it once it exits.
    struct Running {
        private let child: ChildProcess
        private let started = ContinuousClock.now

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            child = try ChildProcess(executable: TortureBinary.path, arguments: arguments, environment: environment)
        }

        /// Its run's schema, role and sessions' application name end in it.
        var pid: pid_t { child.pid }

        /// Also reaps the child when it has exited, so a later `finish` must not wait again.
        func exitCodeIfFinished() -> Int32? { child.exitCodeIfFinished() }

        func finish(timeoutSeconds: Double = 300, exitCode known: Int32? = nil) async -> Outcome {
            let code: Int32
            if let known { code = known } else { code = await child.exitCode(timeoutSeconds: timeoutSeconds) }
            let elapsed = ContinuousClock.now - started
            return Outcome(exitCode: code, stdout: child.stdout, stderr: child.stderr,
                           seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        try await Running(arguments, environment: environment).finish()
    }

    /// A fresh folder for one run's reports, under one folder per test process that is removed
    /// when the process exits (a test may read a report after the helper that ran it returns).
    static func reportDirectory() -> String {
        reportsRoot + "/" + UUID().uuidString
    }

    private static let reportsRoot: String = {
        let root = NSTemporaryDirectory() + "torture-e2e-reports-\(getpid())"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TortureBinary.reportsRoot) }
        return root
    }()
}
