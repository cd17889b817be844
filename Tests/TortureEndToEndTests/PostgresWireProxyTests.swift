import Foundation
import Testing
import TortureKit

/// torture's wire proxy in front of the test server: real clients (psql, psycopg, TortureKit's
/// own libpq connection) through it, and the faults it injects as those clients see them.
extension PostgresEndToEndTests {
    /// A proxy with one worker's port, and the URL a client reaches the server through it with.
    private func proxy(_ recorder: WireRecorder, user: String = "postgres") throws -> (proxy: WireProxy, url: String) {
        let address = try #require(database.url.firstMatch(of: /@([^:\/]+):(\d+)\//), "host and port in \(database.url)")
        let proxy = try WireProxy(upstreamHost: String(address.1), upstreamPort: Int(address.2)!, observer: recorder)
        let port = try proxy.listen(worker: "w1")
        return (proxy, "postgresql://\(user)@127.0.0.1:\(port)/postgres")
    }

    /// A table of this test's own, dropped when the test ends.
    private func scratchTable(_ name: String) throws -> String {
        let table = "wire_\(name)_\(getpid())"
        try database.query("DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id INT)")
        return table
    }

    @Test("psql, psycopg and TortureKit's libpq connection work through the proxy, every statement seen")
    func clientsWorkThroughTheProxy() throws {
        let recorder = WireRecorder()
        let (proxy, url) = try proxy(recorder)
        defer { proxy.stop() }
        // No sslmode: libpq asks for TLS first, and the proxy says no.
        #expect(try TestDatabase.psql(url: url, "SELECT 1") == "1")
        #expect(try WireClients.psycopg("smoke", url: url + "?sslmode=disable") == "ok 1 42")

        let store = PostgresStore(url: try PostgresURL(parsing: url + "?sslmode=disable"),
                                  schema: try #require(RunSchemaName(validating: "torture_wire_\(getpid())")))
        try store.createRunSpace(workers: 1)
        defer { try? store.dropRunSpace() }
        let connection = try store.connect()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE counted (id INT)")
        try connection.begin(.readCommitted)
        let parameters = StatementParameters(message: "m1", worker: "w1", attempt: 1, seed: Seed(1))
        let inserted = try connection.execute(try SQLTemplate("INSERT INTO counted VALUES (:message_number), (2)"), parameters)
        try connection.commit()
        #expect(inserted.rowsAffected == 2)
        let counted = try connection.execute(try SQLTemplate("SELECT count(*) FROM counted"), parameters)
        #expect(counted.rows == [[.integer(2)]])

        #expect(recorder.startups.contains { $0.user == "postgres" && $0.database == "postgres" })
        let insert = try #require(recorder.finished(startingWith: "INSERT INTO counted").first)
        guard case .completed(tag: "INSERT 0 2", rows: 2, _) = insert.outcome else {
            Issue.record("the INSERT finished as \(insert.outcome)")
            return
        }
        let sameConnection = recorder.finished.filter { $0.connection == insert.connection }
        #expect(sameConnection.map(\.statement.number) == Array(1...sameConnection.count), "numbered per connection")
        #expect(sameConnection.contains { $0.statement.isCommit && $0.outcome.tag == "COMMIT" })
        #expect(Set(recorder.finished.map(\.connection)).count >= 4, "psql, psycopg, the store's set-up and its connection")
    }

    @Test("SCRAM-SHA-256 authentication passes through the proxy both ways")
    func scramPassesThrough() throws {
        try database.query("DROP ROLE IF EXISTS torture_wire_scram; CREATE ROLE torture_wire_scram LOGIN PASSWORD 'p4ss'")
        defer { _ = try? database.query("DROP ROLE IF EXISTS torture_wire_scram") }
        let recorder = WireRecorder()
        let (proxy, url) = try proxy(recorder, user: "torture_wire_scram")
        defer { proxy.stop() }
        #expect(try TestDatabase.psql(url: url.replacingOccurrences(of: "scram@", with: "scram:p4ss@"),
                                      "SELECT current_user") == "torture_wire_scram")
        #expect(throws: TestDatabase.PSQLFailure.self, "a wrong password is refused: SCRAM was asked") {
            try TestDatabase.psql(url: url.replacingOccurrences(of: "scram@", with: "scram:wrong@"), "SELECT 1")
        }
    }

    @Test("a lost COMMIT acknowledgement: the client sees its connection die, and the row is committed")
    func lostCommitAcknowledgement() throws {
        let table = try scratchTable("lost_ack")
        defer { _ = try? database.query("DROP TABLE \(table)") }
        let recorder = WireRecorder { point, _ in point == .afterCommit ? .loseAnswer : .forward }
        let (proxy, url) = try proxy(recorder)
        defer { proxy.stop() }
        #expect(try WireClients.psycopg("commit", url: url, table: table) == "commit failed, closed: True")
        #expect(try database.query("SELECT count(*) FROM \(table)") == "1", "the commit landed")
        #expect(recorder.finished.contains { $0.statement.isCommit && $0.outcome == .answerLost(tag: "COMMIT") })
    }

    @Test("a reset before COMMIT: the client's commit fails and the row is not there")
    func resetBeforeCommit() throws {
        let table = try scratchTable("reset")
        defer { _ = try? database.query("DROP TABLE \(table)") }
        let recorder = WireRecorder { point, _ in point == .beforeCommit ? .reset : .forward }
        let (proxy, url) = try proxy(recorder)
        defer { proxy.stop() }
        #expect(try WireClients.psycopg("commit", url: url, table: table) == "commit failed, closed: True")
        #expect(try database.query("SELECT count(*) FROM \(table)") == "0", "the server rolled back")
        #expect(recorder.finished.contains { $0.statement.isCommit && $0.outcome == .reset })
    }

    @Test("an injected serialization failure reaches the client as 40001, and the connection goes on",
          arguments: ["error-extended", "error-simple"])
    func injectedSerializationFailure(mode: String) throws {
        let table = try scratchTable("error")
        defer { _ = try? database.query("DROP TABLE \(table)") }
        let recorder = WireRecorder { point, statement in
            point == .beforeStatement && statement.text.hasPrefix("INSERT")
                ? .error(sqlState: "40001", message: "could not serialize access (torture)") : .forward
        }
        let (proxy, url) = try proxy(recorder)
        defer { proxy.stop() }
        #expect(try WireClients.psycopg(mode, url: url, table: table)
                    == "sqlstate 40001 could not serialize access (torture)\nthen 1")
        #expect(try database.query("SELECT count(*) FROM \(table)") == "0")
        let insert = try #require(recorder.finished(startingWith: "INSERT").first)
        guard case .failed(sqlState: "40001", message: "could not serialize access (torture)", _) = insert.outcome else {
            Issue.record("the INSERT finished as \(insert.outcome)")
            return
        }
        #expect(recorder.finished(startingWith: "ROLLBACK").first?.outcome.tag == "ROLLBACK")
    }

    @Test("a delay after a statement holds its answer at least that long")
    func delayHoldsTheAnswer() throws {
        let recorder = WireRecorder { point, statement in
            point == .afterStatement && statement.text == "SELECT 1" ? .delay(millis: 300) : .forward
        }
        let (proxy, url) = try proxy(recorder)
        defer { proxy.stop() }
        let millis = try #require(Int(try WireClients.psycopg("timed", url: url)))
        #expect(millis >= 300)
    }
}

extension WireOutcome {
    /// The CommandComplete tag of a completed statement.
    var tag: String? {
        if case .completed(let tag, _, _) = self { tag } else { nil }
    }
}
