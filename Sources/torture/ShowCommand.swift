import ArgumentParser
import Foundation
import TortureKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Describe one scenario: its description in full, file, stores, workload and delivery defaults, steps, actors, faults and invariants."
    )

    @Argument(help: ArgumentHelp("A scenario's name (race-claim) or a file.", valueName: "scenario"), completion: ScenarioCompletion.kind)
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    func run() throws {
        do {
            let path = try scenarioOptions.catalogue.path(for: scenario)
            let loaded = try ScenarioLoader.load(path: path)
            print(ScenarioSheet.full(loaded, file: path, defaultWorkers: RunOptions.defaultWorkers).joined(separator: "\n"))
        } catch {
            Console.error("\(error)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
