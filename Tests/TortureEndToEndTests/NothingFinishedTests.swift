import Foundation
import Testing

/// A run whose every delivery ends in a store error holds its invariants over nothing done: the
/// summary says so, with the first error, instead of letting "held" stand alone.
@Suite struct NothingFinishedTests {
    /// Prepares on SQLite (the column exists) and fails at every run of it (NOT NULL).
    static let scenario = """
        name: every-insert-fails
        description: every delivery fails at its only statement
        workload: { messages: 5, deliveries-per-message: 1, concurrent-deliveries: 1 }
        delivery: { preset: sqs, visibility-timeout-millis: 1000, max-receive-count: 2, retry-delay-millis: 1 }
        protocol:
          schema: CREATE TABLE done_jobs (id TEXT NOT NULL);
          steps:
            - name: record
              role: write
              sql: INSERT INTO done_jobs (id) VALUES (NULL)
              success: rows-affected
              on-success: done
        invariants:
          - no-loss
        """

    @Test func theSummaryWarnsAndNamesTheFirstError() async throws {
        let workspace = Workspace()
        let file = try workspace.write("every-insert-fails.yaml", Self.scenario)
        let run = try await workspace.run(file, ["--workers", "2", "--seed", "1"])
        #expect(run.status == 0, "no-loss holds: every message is in the DLQ\n\(run.stdout)\n\(run.stderr)")
        let warning = try #require(run.stdout.line(startingWith: "warning: no delivery finished its work"), "\(run.stdout)")
        #expect(warning.contains("record:") && warning.contains("NOT NULL"), "\(warning)")
        let report = try workspace.report(at: try #require(workspace.reportDirectory(from: run.stdout)))
        #expect(((report["counts"] as? [String: Any])?["firstStoreError"] as? String)?.contains("NOT NULL") == true)
    }

    @Test func aRunThatFinishedWorkHasNoWarning() async throws {
        let run = try await Workspace().run("race-claim", ["--messages", "20", "--workers", "2", "--seed", "1"])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("warning: no delivery finished"), "\(run.stdout)")
    }
}
