import ArgumentParser
import TortureKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them; prints file:line: what was expected for each wrong one."
    )

    @Argument(help: ArgumentHelp("Scenario files to check.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one scenario file, e.g. torture validate scenarios/*.yaml") }
    }

    func run() throws {
        var wrong = 0
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                let dialects = scenario.dialects.map(\.rawValue).sorted().joined(separator: ", ")
                print("ok  \(file): \(scenario.name) (\(dialects); \(scenario.invariants.map(\.name).joined(separator: ", ")))")
            } catch {
                wrong += 1
                Console.error("\(error)")
            }
        }
        if wrong > 0 { throw ExitCode(ExitStatus.usage) }
    }
}
