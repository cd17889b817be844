import Foundation
import Testing
import TortureKit

/// Step values typed as the columns they came from, against the real server: sums, comparisons
/// and NULLs of what earlier steps returned work as written (TortureKitTests/TypedStepValueTests
/// does the same on SQLite), the auditor's scenario holds at REPEATABLE READ, and its twin at
/// READ COMMITTED is caught reading skewed balances.
extension PostgresEndToEndTests {
    static let auditor = "INSERT INTO audits (total) VALUES (:first.balance + :second.balance)"

    /// A connection in a schema of its own with the accounts; `body` gets parameters that kept
    /// account x as `first` and `account` as `second`.
    private func withAccounts(second account: String, _ body: (any StoreConnection, StatementParameters) throws -> Void) throws {
        let name = try #require(RunSchemaName(validating: "torture_e2e_typed_\(getpid())"))
        let store = PostgresStore(url: try PostgresURL(parsing: database.url), schema: name)
        try store.createRunSpace(workers: 1)
        defer { try? store.dropRunSpace() }
        let connection = try store.connect()
        defer { connection.close() }
        try connection.executeScript("""
            CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER);
            CREATE TABLE audits (total INTEGER);
            INSERT INTO accounts (id, balance) VALUES ('x', 9), ('y', 91), ('w', 10), ('z', NULL);
            """)
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        for (step, id) in [("first", "x"), ("second", account)] {
            let read = try connection.execute(try SQLTemplate("SELECT balance FROM accounts WHERE id = '\(id)'"), parameters)
            parameters.keep(read, of: step)
        }
        try body(connection, parameters)
    }

    @Test("the auditor's sum of two step values is prepared typed and records 100 on PostgreSQL")
    func auditorSumsTwoBalances() throws {
        try withAccounts(second: "y") { connection, parameters in
            let auditor = try SQLTemplate(Self.auditor)
            // Untyped, as before: the server cannot tell what $1 + $2 adds.
            #expect(throws: StoreError.self) { try connection.prepare(auditor) }
            let refusal = try #require(Result(catching: { () throws(StoreError) in try connection.prepare(auditor) }).failure)
            #expect(refusal.message.contains("[42725]") && refusal.message.contains(":first.balance as unknown"), "\(refusal)")
            try connection.prepare(auditor, stepTypes: parameters.stepTypes)
            #expect(try connection.execute(auditor, parameters).rowsAffected == 1)
            #expect(try connection.execute(try SQLTemplate("SELECT total FROM audits"), parameters).rows == [[.integer(100)]])
        }
    }

    @Test("two step values compare as numbers on PostgreSQL, directly and through a let")
    func stepValuesCompareAsNumbers() throws {
        try withAccounts(second: "w") { connection, parameters in
            // As text, '9' < '10' is false.
            let compared = try connection.execute(try SQLTemplate(
                "SELECT :first.balance < :second.balance AS less, :second.balance - :first.balance AS gap, "
                    + ":first.balance = :second.balance - 1 AS adjacent"), parameters)
            #expect(compared.rows == [[.boolean(true), .integer(1), .boolean(true)]])
            let lets = ["total": ":first.balance + :second.balance", "balanced": ":total = 19"]
            let viaLet = try connection.execute(try SQLTemplate("SELECT :total AS total, :balanced AS balanced", lets: lets), parameters)
            #expect(viaLet.rows == [[.integer(19), .boolean(true)]])
        }
    }

    @Test("a NULL step value is a NULL of its column's type on PostgreSQL")
    func nullStepValueHasItsColumnsType() throws {
        try withAccounts(second: "z") { connection, parameters in
            // `$1 IS NULL` alone could not be typed before: "could not determine data type of parameter".
            let result = try connection.execute(try SQLTemplate(
                "SELECT :second.balance IS NULL AS missing, :first.balance + :second.balance AS total, "
                    + "COALESCE(:second.balance, 0) + :first.balance AS counted"), parameters)
            #expect(result.rows == [[.boolean(true), .null, .integer(9)]])
        }
    }

    @Test("floats and booleans keep their meaning between steps on PostgreSQL")
    func floatsAndBooleansBetweenSteps() throws {
        try withAccounts(second: "y") { connection, start in
            var parameters = start
            let first = try connection.execute(try SQLTemplate("SELECT CAST(1.5 AS DOUBLE PRECISION) AS r, (1 = 1) AS b"), parameters)
            parameters.keep(first, of: "a")
            let second = try connection.execute(try SQLTemplate("SELECT :a.r * 2 AS doubled, :a.b = (2 = 2) AS same"), parameters)
            #expect(second.rows == [[.real(3), .boolean(true)]])
        }
    }

    @Test("a value unlike the prepared type: a NULL runs, text where an integer was prepared is refused by name")
    func runtimeValueUnlikeThePreparedType() throws {
        try withAccounts(second: "y") { connection, kept in
            let auditor = try SQLTemplate(Self.auditor)
            var parameters = kept
            parameters.stepValues[StepColumn(step: "first", column: "balance")] = .null
            #expect(try connection.execute(auditor, parameters).rowsAffected == 1)
            parameters.stepValues[StepColumn(step: "first", column: "balance")] = .text("ten")
            let refusal = try #require(Result(catching: { () throws(StoreError) in try connection.execute(auditor, parameters) }).failure)
            #expect(refusal.message.contains("invalid input syntax for type bigint: \"ten\""), "\(refusal)")
            #expect(refusal.message.contains(Self.auditor), "the refusal names the statement: \(refusal)")
            // Untyped values (a handler's own, never kept from a typed column) are typed by what they are.
            var handlers = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
            handlers.stepValues[StepColumn(step: "first", column: "balance")] = .integer(40)
            handlers.stepValues[StepColumn(step: "second", column: "balance")] = .integer(60)
            #expect(try connection.execute(auditor, handlers).rowsAffected == 1)
            #expect(try connection.execute(try SQLTemplate("SELECT total FROM audits ORDER BY total"), handlers).rows
                == [[.integer(100)], [.null]])
        }
    }

    @Test("before a run, a step that binds typed step values is described with them: a chain of sums validates")
    func chainedStepValuesValidate() async throws {
        let folder = NSTemporaryDirectory() + "torture-typed-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/chained-sums.yaml"
        try """
            name: chained-sums
            description: each step adds what the earlier ones returned
            workload: { messages: 20, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema: CREATE TABLE sums (id TEXT PRIMARY KEY, total INTEGER);
              publish: INSERT INTO sums (id) VALUES (:message)
              steps:
                - name: first
                  role: read
                  sql: SELECT id, 9 AS v FROM sums WHERE id = :message
                  success: row-returned
                - name: second
                  role: read
                  sql: SELECT :first.v + :first.v AS w
                  success: row-returned
                - name: store
                  role: claim
                  sql: UPDATE sums SET total = :second.w + :first.v WHERE id = :first.id AND total IS NULL
                  success: rows-affected
            invariants:
              - exactly-one-claim
              - sql:
                  name: every-sum-is-27
                  query: SELECT id, total FROM sums WHERE total IS NULL OR total <> 27
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let validated = try await TortureBinary.run(["validate", "--store", database.url, file])
        #expect(validated.exitCode == 0, "stdout: \(validated.stdout)\nstderr: \(validated.stderr)")
        let ran = try await TortureBinary.run(["run", file, "--workers", "4", "--seed", "1", "--store", database.url,
                                                "--report-dir", TortureBinary.reportDirectory()])
        #expect(ran.exitCode == 0, "stdout: \(ran.stdout)\nstderr: \(ran.stderr)")
    }

    @Test("the auditor holds at REPEATABLE READ on PostgreSQL", arguments: ["1", "2"])
    func auditHoldsOnPostgres(seed: String) async throws {
        let before = try database.runSchemas()
        let outcome = try await runAudit("audit", seed: seed)
        #expect(outcome.exitCode == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("sql:every-audit-adds-up  held"), "\(outcome.stdout)")
        #expect(try database.runSchemas() == before, "a passing run must drop its schema")
    }

    @Test("the auditor at READ COMMITTED records a sum that is not 100 on PostgreSQL: read skew")
    func auditTwinCaughtOnPostgres() async throws {
        let before = try database.runSchemas()
        defer { for schema in (try? database.runSchemas().subtracting(before)) ?? [] { try? database.dropRunSpace(schema) } }
        var caught: TortureBinary.Outcome?
        for seed in 1...5 where caught == nil {
            let outcome = try await runAudit("audit-naive", seed: String(seed))
            #expect(outcome.exitCode == 0 || outcome.exitCode == 1, "stderr: \(outcome.stderr)")
            if outcome.exitCode == 1 { caught = outcome }
        }
        let twin = try #require(caught, "audit-naive held on PostgreSQL for 5 seeds")
        #expect(twin.stdout.contains("sql:every-audit-adds-up violated"), "\(twin.stdout)")
        #expect(!twin.stdout.contains("money-is-conserved violated"), "the transfers themselves are right: \(twin.stdout)")
    }

    private func runAudit(_ scenario: String, seed: String) async throws -> TortureBinary.Outcome {
        try await TortureBinary.run(["run", scenario, "--workers", "16", "--seed", seed, "--store", database.url,
                                     "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", TortureBinary.reportDirectory()])
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
