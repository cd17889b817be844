/// The scenario catalogue as shipped inside the binary (BuiltInScenarioTexts.swift, generated
/// from scenarios/ by scripts/embed-scenarios.sh), so `torture run race-claim` works from any
/// folder. A built-in scenario's path is `built-in:NAME.yaml`: the loader reads it from here, and
/// reports, replays and repro lines name it like any file.
public enum BuiltInScenarios {
    public static let pathPrefix = "built-in:"

    /// `built-in:race-claim.yaml` → its text; nil for anything else.
    public static func text(atPath path: String) -> String? {
        guard path.hasPrefix(pathPrefix) else { return nil }
        let file = path.dropFirst(pathPrefix.count)
        return texts.first { $0.file == file }?.text
    }

    /// Every built-in scenario's path, sorted by name.
    public static var paths: [String] {
        texts.map { pathPrefix + $0.file }.sorted()
    }

    /// The path of the built-in scenario called `name`, if there is one.
    public static func path(named name: String) -> String? {
        texts.first { $0.file == name + ".yaml" }.map { pathPrefix + $0.file }
    }
}
