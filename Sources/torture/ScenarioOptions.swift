import ArgumentParser
import TortureKit

/// `--scenarios DIR`, shared by the commands that look scenarios up by name.
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("scenarios"), help: ArgumentHelp("Folder of scenario files.", valueName: "dir"))
    var directory = ScenarioOptions.defaultDirectory

    static let defaultDirectory = "scenarios"

    var catalogue: ScenarioCatalogue { ScenarioCatalogue(directory: directory) }
}
