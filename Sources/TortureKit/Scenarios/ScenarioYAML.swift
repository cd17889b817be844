/// A scenario's text as a tree of `ScenarioNode`s, each bound checked on the way: the text first
/// (`ScenarioText`), then its YAML as it is composed (`YAMLComposer`). Nil for an empty document.
enum ScenarioYAML {
    static func compose(_ text: String, file: String) throws(ScenarioError) -> ScenarioNode? {
        try ScenarioText.check(text.utf8, file: file)
        return try YAMLComposer.compose(text, file: file)
    }
}
