import ArgumentParser
import TortureKit

/// `--scenarios DIR`, shared by the commands that look scenarios up by name.
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("scenarios"), help: ArgumentHelp(
        "Folder of scenario files (default: ./scenarios when there is one, and the catalogue built into torture).",
        valueName: "dir"))
    var directory: String?

    static let defaultDirectory = "scenarios"

    var catalogue: ScenarioCatalogue { ScenarioCatalogue.resolving(explicitDirectory: directory, defaultDirectory: Self.defaultDirectory) }
}
