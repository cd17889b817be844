import ArgumentParser
import Foundation
import TortureKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the scenarios with the seed system each comes from and a one-line description."
    )

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
        var rows: [(String, String, String)] = []
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                rows.append((scenario.name, scenario.seedSystem.map { "seed \($0)" } ?? "", scenario.summary))
            } catch {
                broken += 1
                rows.append(((file as NSString).lastPathComponent, "INVALID", "\(error)"))
            }
        }
        let nameWidth = (rows.map(\.0.count).max() ?? 0) + 2
        for (name, seed, summary) in rows {
            print(name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + seed.padding(toLength: 10, withPad: " ", startingAt: 0) + summary)
        }
        if broken > 0 { throw ExitCode(ExitStatus.usage) }
    }
}
