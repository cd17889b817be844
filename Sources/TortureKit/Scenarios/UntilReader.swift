/// `until:` — the query whose empty answer says a run's work is over (SQL, or SQL by dialect).
enum UntilReader {
    static func read(_ reader: YAMLReader, sql: SQLReader, actors: [ScenarioActor]) throws(ScenarioError) -> [Dialect: SQLTemplate] {
        guard actors.contains(where: \.holdsRunOpen) else {
            let why = actors.isEmpty ? "this scenario has no actors" : "every actor here says `holds-run-open: false`"
            throw reader.error("`until` is asked by the actors that hold the run open, at the end of each of their runs, and "
                + "\(why): without one the run ends when the queue is empty. Remove `until`, or add an actor that holds the run open")
        }
        return try sql.templates(reader, scope: .untilQuery, site: .until)
    }
}
