import Foundation

/// Where scenarios are found by name: a folder, the catalogue built into the binary, or a folder
/// first and the built-in catalogue for what it does not have.
public struct ScenarioCatalogue: Sendable {
    /// The folder searched first, if any.
    public let directory: String?
    /// Whether a name the folder lacks is looked up in the built-in catalogue.
    public let fallsBackToBuiltIn: Bool

    public init(directory: String?, fallsBackToBuiltIn: Bool) {
        self.directory = directory
        self.fallsBackToBuiltIn = fallsBackToBuiltIn
    }

    /// `--scenarios DIR` alone when given; else `./scenarios` when there is one, then the built-in
    /// catalogue; else the built-in catalogue alone.
    public static func resolving(explicitDirectory: String?, defaultDirectory: String = "scenarios") -> ScenarioCatalogue {
        if let explicitDirectory { return ScenarioCatalogue(directory: explicitDirectory, fallsBackToBuiltIn: false) }
        var isDirectory: ObjCBool = false
        let local = FileManager.default.fileExists(atPath: defaultDirectory, isDirectory: &isDirectory) && isDirectory.boolValue
        return ScenarioCatalogue(directory: local ? defaultDirectory : nil, fallsBackToBuiltIn: true)
    }

    /// Every scenario file: the folder's `*.yaml` sorted by name (or the built-in ones), and
    /// built-in ones the folder does not shadow.
    public func files() throws(ScenarioError) -> [String] {
        var files: [String] = []
        if let directory {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw ScenarioError(file: directory, message: "cannot list scenarios: there is no folder \(directory) (pass --scenarios DIR, or leave it out for the built-in catalogue)")
            }
            files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
        }
        if fallsBackToBuiltIn {
            let shadowed = Set(files.map(Self.name(ofPath:)))
            files += BuiltInScenarios.paths.filter { !shadowed.contains(Self.name(ofPath: $0)) }
        }
        return files.sorted { Self.name(ofPath: $0) < Self.name(ofPath: $1) }
    }

    /// A scenario by name (`race-claim`) or by path (`./my.yaml`).
    public func path(for nameOrPath: String) throws(ScenarioError) -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            return nameOrPath
        }
        if let directory {
            for candidate in ["\(directory)/\(nameOrPath).yaml", "\(directory)/\(nameOrPath).yml"]
            where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
        }
        if fallsBackToBuiltIn, let builtIn = BuiltInScenarios.path(named: nameOrPath) { return builtIn }
        let known = try files().map(Self.name(ofPath:))
        let hint = Suggestion.closest(to: nameOrPath, among: known).map { "; did you mean `\($0)`?" } ?? ""
        let searched = [directory.map { "the folder \($0)" }, fallsBackToBuiltIn ? "the built-in catalogue" : nil]
            .compactMap { $0 }.joined(separator: " or ")
        throw ScenarioError(
            file: directory ?? "torture",
            message: "no scenario named `\(nameOrPath)` in \(searched)\(hint) (known: \(known.joined(separator: ", "))); `torture list` shows them"
        )
    }

    /// The folder a path came from, for the repro line's `--scenarios`; nil for a built-in one.
    public func directory(ofPath path: String) -> String? {
        path.hasPrefix(BuiltInScenarios.pathPrefix) ? nil : directory
    }

    /// `race-claim` for `scenarios/race-claim.yaml` and for `built-in:race-claim.yaml`.
    public static func name(ofPath path: String) -> String {
        let file = path.hasPrefix(BuiltInScenarios.pathPrefix) ? String(path.dropFirst(BuiltInScenarios.pathPrefix.count))
            : (path as NSString).lastPathComponent
        return (file as NSString).deletingPathExtension
    }
}
