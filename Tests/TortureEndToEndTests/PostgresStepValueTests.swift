import Foundation
import Testing
import TortureKit

/// Values between steps against the real server: what one statement returned binds into the next
/// (typed as the columns they came from: PostgresTypedStepValueTests), and the counter twin's lost update is
/// caught with a witness that names what each processor read and wrote.
extension PostgresEndToEndTests {
    @Test("NULL, an integer, text and a boolean survive the trip between steps on PostgreSQL")
    func stepValuesRoundTrip() throws {
        let name = try #require(RunSchemaName(validating: "torture_e2e_values_\(getpid())"))
        let store = PostgresStore(url: try PostgresURL(parsing: database.url), schema: name)
        try store.createRunSpace(workers: 1)
        defer { try? store.dropRunSpace() }
        let connection = try store.connect()
        defer { connection.close() }
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        let first = try connection.execute(try SQLTemplate("SELECT NULL AS n, 41 AS i, 'x' AS t, (1 = 1) AS b"), parameters)
        #expect(first.columns == ["n", "i", "t", "b"])
        #expect(first.rows == [[.null, .integer(41), .text("x"), .boolean(true)]])
        parameters.keep(first, of: "a")
        let second = try connection.execute(try SQLTemplate(
            "SELECT CAST(:a.n AS INTEGER) IS NULL AS was_null, :a.i + 1 AS next, CAST(:a.t AS TEXT) || 'y' AS text, NOT :a.b AS flipped"
        ), parameters)
        #expect(second.rows == [[.boolean(true), .integer(42), .text("xy"), .boolean(false)]])
        try connection.executeScript("CREATE TABLE counters (id TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        #expect(try connection.resultColumns(of: try SQLTemplate("UPDATE counters SET value = value + 1 RETURNING Value")) == ["value"])
        #expect(try connection.resultColumns(of: try SQLTemplate("UPDATE counters SET value = value + 1")) == [])
    }

    @Test("counter-naive loses an update on PostgreSQL; the witness says what each read and wrote")
    func counterTwinWitness() async throws {
        let before = try database.runSchemas()
        let reports = TortureBinary.reportDirectory()
        let outcome = try await TortureBinary.run([
            "run", "counter-naive", "--workers", "32", "--seed", "1", "--store", database.url,
            "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports,
        ])
        #expect(outcome.exitCode == 1, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        let witness = try #require(outcome.stdout.split(separator: "\n").first { $0.contains(" read ") && $0.contains(" and wrote ") },
                                   "\(outcome.stdout)")
        #expect(witness.contains("one update is lost") || witness.contains("updates are lost"))
        print("counter-naive witness:", witness.trimmingCharacters(in: .whitespaces))
        for schema in try database.runSchemas().subtracting(before) { try database.query("DROP SCHEMA \"\(schema)\" CASCADE") }
    }
}
