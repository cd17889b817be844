import Foundation

/// Where `extends: NAME` finds its base scenario's text: by default the file `NAME.yaml` in the
/// same folder as the scenario that names it, else the built-in catalogue's `NAME` (a built-in
/// twin's base is built in too).
public struct ScenarioSources: Sendable {
    /// The base's path and text, or nil when there is none (an error when there is one that cannot
    /// be read, or is not text); and the names that could have been meant.
    let find: @Sendable (_ name: String, _ nextTo: String) throws(ScenarioError) -> (path: String, text: String)?
    let known: @Sendable (_ nextTo: String) -> [String]

    public init(
        find: @escaping @Sendable (_ name: String, _ nextTo: String) throws(ScenarioError) -> (path: String, text: String)?,
        known: @escaping @Sendable (_ nextTo: String) -> [String]
    ) {
        self.find = find
        self.known = known
    }

    public static let files = ScenarioSources(
        find: { name, file throws(ScenarioError) in
            if !file.hasPrefix(BuiltInScenarios.pathPrefix) {
                let folder = (file as NSString).deletingLastPathComponent
                for candidate in ["\(name).yaml", "\(name).yml"] {
                    let path = folder.isEmpty ? candidate : "\(folder)/\(candidate)"
                    if FileManager.default.fileExists(atPath: path) { return (path, try ScenarioText.read(path: path)) }
                }
            }
            guard let path = BuiltInScenarios.path(named: name), let text = BuiltInScenarios.text(atPath: path) else { return nil }
            return (path, text)
        },
        known: { file in
            var names = BuiltInScenarios.paths.map(ScenarioCatalogue.name(ofPath:))
            if !file.hasPrefix(BuiltInScenarios.pathPrefix) {
                let folder = (file as NSString).deletingLastPathComponent
                let local = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
                names += local.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
            }
            return Array(Set(names)).sorted()
        }
    )
}
