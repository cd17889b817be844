import Foundation

/// Where `extends: NAME` finds its base scenario's text: by default the file `NAME.yaml` in the
/// same folder as the scenario that names it.
public struct ScenarioSources: Sendable {
    /// The base's path and text, or nil when there is none; and the names that could have been meant.
    let find: @Sendable (_ name: String, _ nextTo: String) -> (path: String, text: String)?
    let known: @Sendable (_ nextTo: String) -> [String]

    public init(
        find: @escaping @Sendable (_ name: String, _ nextTo: String) -> (path: String, text: String)?,
        known: @escaping @Sendable (_ nextTo: String) -> [String]
    ) {
        self.find = find
        self.known = known
    }

    public static let files = ScenarioSources(
        find: { name, file in
            let folder = (file as NSString).deletingLastPathComponent
            for candidate in ["\(name).yaml", "\(name).yml"] {
                let path = folder.isEmpty ? candidate : "\(folder)/\(candidate)"
                if let text = try? String(contentsOfFile: path, encoding: .utf8) { return (path, text) }
            }
            return nil
        },
        known: { file in
            let folder = (file as NSString).deletingLastPathComponent
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
            return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        }
    )
}
