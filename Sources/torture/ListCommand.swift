import ArgumentParser
import Foundation
import TortureKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the scenarios with the seed system each comes from and a one-line summary.",
        discussion: "--long adds each description in full; `torture show NAME` says everything about one scenario."
    )

    @Flag(name: .long, help: "Each scenario's description in full under its line.")
    var long = false

    @OptionGroup var scenarioOptions: ScenarioOptions

    func run() throws {
        let files: [String]
        do {
            files = try scenarioOptions.catalogue.files()
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        var broken = 0
        var rows: [(name: String, seed: String, summary: String, description: String?)] = []
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                rows.append((scenario.name, scenario.seedSystem.map { "seed \($0)" } ?? "", scenario.summary, scenario.description))
            } catch {
                broken += 1
                rows.append(((file as NSString).lastPathComponent, "INVALID", "\(error)", nil))
            }
        }
        let nameWidth = (rows.map(\.name.count).max() ?? 0) + 2
        for (index, row) in rows.enumerated() {
            if long && index > 0 { print("") }
            print(row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + row.seed.padding(toLength: 10, withPad: " ", startingAt: 0) + row.summary)
            if long, let description = row.description {
                print(ScenarioSheet.wrapped(description, indent: String(repeating: " ", count: nameWidth + 10)).joined(separator: "\n"))
            }
        }
        if broken > 0 { throw ExitCode(ExitStatus.usage) }
    }
}
