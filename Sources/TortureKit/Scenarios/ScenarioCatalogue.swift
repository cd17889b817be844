import Foundation

/// The scenarios in a folder, found by name.
public struct ScenarioCatalogue: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Every `*.yaml` file in the folder, sorted by name.
    public func files() throws(ScenarioError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ScenarioError(file: directory, message: "cannot list scenarios: no such folder (pass --scenarios DIR)")
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
    }

    /// A scenario by name (`race-claim`) or by path (`./my.yaml`).
    public func path(for nameOrPath: String) throws(ScenarioError) -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            return nameOrPath
        }
        for candidate in ["\(directory)/\(nameOrPath).yaml", "\(directory)/\(nameOrPath).yml"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        let known = (try? files())?.map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "") } ?? []
        let hint = Suggestion.closest(to: nameOrPath, among: known).map { "; did you mean `\($0)`?" } ?? ""
        throw ScenarioError(
            file: directory,
            message: "no scenario named `\(nameOrPath)`\(hint) (known: \(known.joined(separator: ", ")); `torture list` shows them)"
        )
    }
}
