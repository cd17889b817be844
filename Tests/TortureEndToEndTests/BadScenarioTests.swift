import Foundation
import Testing
import TortureKit

/// Scenario files whose SQL is wrong, for the tests below.
enum BadScenarios {
    /// Line 10 holds the step's SQL, 15 the invariant.
    static func scenario(step: String = "UPDATE m SET n = n + 1 WHERE id = :message", invariant: String = "- no-loss") -> String {
        """
        name: bad-sql
        description: one table, one step
        workload: { messages: 10, deliveries-per-message: 1, concurrent-deliveries: 1 }
        protocol:
          schema: CREATE TABLE m (id TEXT PRIMARY KEY, n INTEGER);
          publish: INSERT INTO m (id, n) VALUES (:message, 0)
          steps:
            - name: bump
              role: write
              sql: \(step)
              success: rows-affected
              on-success: done
              on-failure: fail
        invariants:
          \(invariant)
        """
    }

    static let twoStatements = scenario(step: "UPDATE m SET n = n + 1 WHERE id = :message; DELETE FROM m WHERE id = :message")
    static let missingTable = scenario(invariant: "- no-duplicate-submissions: { table: nowhere, key: id }")
    static let deletingCheck = scenario(invariant: "- sql: { name: deletes, query: DELETE FROM m RETURNING id }")
    /// PostgreSQL's statement names `public.m`: out of the run's schema.
    static let escaping = scenario(step: "{ default: UPDATE m SET n = n + 1 WHERE id = :message, postgres: UPDATE public.m SET n = n + 1 WHERE id = :message }")

    static func stores() throws -> [String] {
        ["sqlite", try TestDatabase().url]
    }
}

/// A scenario whose SQL is wrong gets exit 2 and file:line on both stores — never a verdict, never
/// "store failed", and never a check that changes what it checks. Part of the serialized
/// PostgreSQL suite: its neighbours count schemas before and after.
extension PostgresEndToEndTests {
    @Test func twoStatementsInAStepAreRefusedOnBothStores() async throws {
        let workspace = Workspace()
        let file = try workspace.write("two.yaml", BadScenarios.twoStatements)
        for store in ["sqlite", database.url] {
            let result = try await TortureProcess.runAwaiting(["run", file, "--store", store, "--seed", "1", "--report-dir", workspace.reports])
            #expect(result.status == 2, "\(store): \(result.stdout)\n\(result.stderr)")
            #expect(result.stderr.contains("\(file):10:") && result.stderr.contains("holds 2 statements"), "\(result.stderr)")
        }
    }

    @Test func aCheckOnAMissingTableIsTheScenariosMistakeWithItsLine() async throws {
        let workspace = Workspace()
        let file = try workspace.write("missing.yaml", BadScenarios.missingTable)
        for store in ["sqlite", database.url] {
            let result = try await TortureProcess.runAwaiting(["run", file, "--store", store, "--seed", "1", "--report-dir", workspace.reports])
            #expect(result.status == 2, "\(store): \(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("SCENARIO INVALID: \(file):15: invariant `no-duplicate-submissions`"), "\(result.stdout)")
            #expect(!result.stdout.contains("STORE FAILED"))
            #expect(!result.stdout.contains("repro:") && !result.stderr.contains("repro:"), "\(result.stdout)")
        }
    }

    @Test func aCheckThatWritesIsRefusedAndDeletesNothing() async throws {
        let workspace = Workspace()
        let file = try workspace.write("deleting.yaml", BadScenarios.deletingCheck)
        let before = try database.runSchemas()
        let kept = workspace.path + "/kept.sqlite"
        for store in ["sqlite:" + kept, database.url] {
            let result = try await TortureProcess.runAwaiting(["run", file, "--store", store, "--seed", "1", "--report-dir", workspace.reports])
            #expect(result.status == 2, "\(store): \(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("\(file):15: invariant `sql:deletes`"), "\(result.stdout)")
        }
        let connection = try SQLiteStore(path: kept, isUserPath: true).connect()
        defer { connection.close() }
        let rows = try connection.execute(try SQLTemplate("SELECT COUNT(*) FROM m"),
                                          StatementParameters(message: "", worker: "", attempt: 0, seed: Seed(0))).rows
        #expect(rows == [[.integer(10)]], "the published rows are all still there")
        #expect(try database.runSchemas() == before)
    }

    @Test func validateWithAStorePreparesEveryStatementAndLeavesNothing() async throws {
        let workspace = Workspace()
        let missing = try workspace.write("missing.yaml", BadScenarios.missingTable)
        let deleting = try workspace.write("deleting.yaml", BadScenarios.deletingCheck)
        let escaping = try workspace.write("escaping.yaml", BadScenarios.escaping)
        let before = try database.runSchemas()
        let plain = try await TortureProcess.runAwaiting(["validate", missing, deleting])
        #expect(plain.status == 0, "without a store only the text is checked")
        #expect(plain.stderr.contains("no statement was prepared"), "it says which checks it could not make")
        for store in ["sqlite", database.url] {
            let result = try await TortureProcess.runAwaiting(["validate", "--store", store, missing, deleting])
            #expect(result.status == 2, "\(store): \(result.stdout)\n\(result.stderr)")
            #expect(result.stderr.contains("\(missing):15: invariant `no-duplicate-submissions`"), "\(result.stderr)")
            #expect(result.stderr.contains("\(deleting):15: invariant `sql:deletes`"), "\(result.stderr)")
        }
        let warned = try await TortureProcess.runAwaiting(["validate", escaping])
        #expect(warned.stderr.contains("warning: \(escaping):10:") && warned.stderr.contains("`public.m` names a schema"), "\(warned.stderr)")
        #expect(try database.runSchemas() == before, "validate drops the schema it made")
    }
}
