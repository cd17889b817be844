import ArgumentParser
import Foundation

struct Torture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torture",
        abstract: "Torture-test claim, dedup and dead-letter protocols with seeded faults and many concurrent processors.",
        discussion: """
            Exit codes: 0 every invariant held · 1 an invariant was violated (the repro line is printed) \
            · 2 the command line or a scenario file is wrong · 3 the store or the machine failed (no verdict).
            """,
        version: "torture 0.1.0",
        subcommands: [RunCommand.self, SoakCommand.self, ReplayCommand.self, ShrinkCommand.self, ListCommand.self, ShowCommand.self, ValidateCommand.self]
    )
}

/// Runs the command and maps every way out to DESIGN.md's exit codes: argument-parser's usage
/// errors would otherwise exit 64, which a CI script cannot tell from a verdict.
@main
enum Main {
    static func main() async {
        let subcommands = Torture.configuration.subcommands.compactMap { $0.configuration.commandName }
        if let message = SubcommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), subcommands: subcommands) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        }
        do {
            var command = try Torture.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if Torture.exitCode(for: error) == .success {
                Torture.exit(withError: error)  // --help, --version
            }
            let message = Torture.fullMessage(for: error)
            FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        }
    }
}

enum ExitStatus {
    static let held: Int32 = 0
    static let violated: Int32 = 1
    static let usage: Int32 = 2
    static let storeFailed: Int32 = 3
}

enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}
