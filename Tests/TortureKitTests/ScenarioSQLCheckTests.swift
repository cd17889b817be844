import Testing
@testable import TortureKit

/// What the loader finds in a scenario's SQL text, before any store sees it.
@Suite struct ScenarioSQLCheckTests {
    func loadError(_ text: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(text, file: "tiny.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aStepWithTwoStatementsIsRefusedWithItsLine() throws {
        let text = ScenarioLoaderTests.valid.replacingOccurrences(
            of: "sqlite: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL",
            with: "sqlite: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL; DELETE FROM m WHERE id = :message")
        let failure = try #require(loadError(text))
        #expect(failure.line == 19)
        #expect(failure.message.contains("step `claim` (sqlite) holds 2 statements"))
    }

    @Test func aTrailingSemicolonOrOneInsideQuotesOrCommentsIsStillOneStatement() {
        for text in ["SELECT 1;", "SELECT ';'", "SELECT \"a;b\" FROM t", "SELECT 1 -- ; DROP TABLE t", "SELECT 1; /* ; */ -- end",
                     "SELECT $$ ; $$", "SELECT $tag$ ; $tag$ FROM t;"] {
            #expect(SQLTokens(text).statementCount == 1, "\(text)")
        }
        #expect(SQLTokens("SELECT 1; SELECT 2").statementCount == 2)
        #expect(SQLTokens("UPDATE t SET a = 1;DELETE FROM t").statementCount == 2)
    }

    @Test func aNameTooLongForAReportFolderIsRefused() throws {
        let long = String(repeating: "x", count: 5_000)
        let failure = try #require(loadError(ScenarioLoaderTests.valid.replacingOccurrences(of: "name: tiny", with: "name: \(long)")))
        #expect(failure.line == 1)
        #expect(failure.message.contains("at most \(Scenario.nameLengthLimit)"))
        #expect(failure.description.count < 300, "the error does not repeat 5000 characters")
        #expect(loadError(ScenarioLoaderTests.valid.replacingOccurrences(of: "name: tiny", with: "name: \(String(repeating: "x", count: 64))")) == nil)
    }

    @Test func schemaQualifiedNamesAndSearchPathAreWarnedAboutOnPostgres() throws {
        let text = ScenarioLoaderTests.valid
            .replacingOccurrences(of: "    sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);",
                                  with: "    sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);\n    postgres: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT); SET search_path = public")
            .replacingOccurrences(of: "    sqlite: INSERT INTO m (id) VALUES (:message)",
                                  with: "    sqlite: INSERT INTO m (id) VALUES (:message)\n    postgres: INSERT INTO public.m (id) VALUES (:message)")
            .replacingOccurrences(of: "        sqlite: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL",
                                  with: "        sqlite: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL\n        postgres: UPDATE m SET by = :worker FROM other.t o WHERE m.id = :message AND o.id = m.id")
            .replacingOccurrences(of: "        sqlite: SELECT id FROM m WHERE by IS NULL",
                                  with: "        sqlite: SELECT id FROM m WHERE by IS NULL\n        postgres: SELECT m.id FROM m JOIN n ON m.id = n.id WHERE by IS NULL")
        let scenario = try ScenarioLoader.parse(text, file: "tiny.yaml")
        let warnings = scenario.warnings.map(\.description)
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("tiny.yaml:13:") && $0.contains("sets search_path") })
        #expect(warnings.contains { $0.hasPrefix("tiny.yaml:16:") && $0.contains("`public.m` names a schema") })
        #expect(warnings.contains { $0.contains("`other.t` names a schema") })
        #expect(!warnings.contains { $0.contains("m.id") }, "a column qualified by its table is not a schema")
    }

    @Test func everyPieceOfSQLKnowsItsLine() throws {
        let scenario = try ScenarioLoader.parse(ScenarioLoaderTests.valid, file: "tiny.yaml")
        #expect(scenario.source.location(of: .schema, .sqlite) == "tiny.yaml:12")
        #expect(scenario.source.location(of: .publish, .sqlite) == "tiny.yaml:14")
        #expect(scenario.source.location(of: .step("claim"), .sqlite) == "tiny.yaml:19")
        #expect(scenario.source.location(of: .invariant("sql:all-claimed"), .sqlite) == "tiny.yaml:28")
    }
}

/// Checks run read-only, and a statement that hides a second one is refused by the store too.
@Suite struct ReadOnlyCheckTests {
    @Test func aCheckThatWritesIsRefusedAndNothingIsDeleted() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE m (id TEXT); INSERT INTO m VALUES ('a'), ('b');")
        try connection.beginReadOnly()
        #expect(throws: StoreError.self) { _ = try connection.execute(try SQLTemplate("DELETE FROM m RETURNING id"), .forChecks) }
        do {
            _ = try connection.execute(try SQLTemplate("DELETE FROM m RETURNING id"), .forChecks)
        } catch {
            #expect(!((error as? StoreError)?.isUnavailable ?? true), "a check that writes is the scenario's mistake, not a failed store: \(error)")
        }
        try connection.endReadOnly()
        #expect(try connection.execute(try SQLTemplate("SELECT COUNT(*) FROM m"), .forChecks).rows == [[.integer(2)]])
    }

    @Test func sqliteRefusesAStatementWithASecondOneBehindIt() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE m (id TEXT, n INTEGER); INSERT INTO m VALUES ('a', 0);")
        #expect(throws: StoreError.self) {
            try connection.prepare(try SQLTemplate("UPDATE m SET n = 1; DELETE FROM m"))
        }
        try connection.prepare(try SQLTemplate("UPDATE m SET n = 1; -- done"))
        #expect(try connection.execute(try SQLTemplate("SELECT COUNT(*) FROM m"), .forChecks).rows == [[.integer(1)]])
    }
}
