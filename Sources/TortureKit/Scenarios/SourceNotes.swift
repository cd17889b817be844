/// What the loader notes on its way through a file besides the model: where every piece of SQL
/// is written (so a store's refusal can name file and line — a twin's inherited SQL is in its
/// base's file) and warnings that do not make the file wrong.
final class SourceNotes {
    let file: String
    var lines: [SQLSite.Key: Int] = [:]
    /// Sites written in another file than `file`: a base the scenario extends.
    var files: [SQLSite.Key: String] = [:]
    var warnings: [ScenarioError] = []

    init(file: String) {
        self.file = file
    }

    func record(_ site: SQLSite, _ dialect: Dialect, at reader: YAMLReader) {
        let key = SQLSite.Key(site: site, dialect: dialect)
        lines[key] = reader.node.line
        if reader.file != file { files[key] = reader.file }
    }

    /// PostgreSQL runs each run in a schema of its own, found through `search_path`: SQL that
    /// names another schema, or moves the path, works outside what the run made and drops.
    func warnAboutSchemaEscapes(_ text: String, dialect: Dialect, at reader: YAMLReader) {
        guard dialect == .postgres else { return }
        let tokens = SQLTokens(text)
        for name in tokens.schemaQualifiedTables {
            warnings.append(reader.error("`\(name)` names a schema: a run's tables live in a schema of its own (found through "
                + "search_path), so this reaches tables the run did not make and will not drop; write the table's name alone"))
        }
        if tokens.changesSearchPath {
            warnings.append(reader.error("this sets search_path: a run works only in its own schema, and moving the path "
                + "takes its statements elsewhere"))
        }
    }
}
