import Foundation
import Testing

@Suite struct CommandLineErrorTests {
    static let misspelled = """
        name: broken
        description: a misspelled key
        workload:
          messages: 10
          deliveries-per-mesage: 3
          concurrent-deliveries: 2
        protocol:
          schema: { sqlite: "CREATE TABLE m (id TEXT)" }
          steps: []
        invariants: [exactly-one-claim]
        """

    @Test func validateNamesFileAndLineOfAMisspelledKey() async throws {
        let workspace = Workspace()
        let file = try workspace.write("broken.yaml", Self.misspelled)
        let result = try await TortureProcess.runAwaiting(["validate", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file):5:"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean `deliveries-per-message`"))
    }

    @Test func validateNamesFileAndLineOfAWrongType() async throws {
        let workspace = Workspace()
        let file = try workspace.write("typed.yaml", Self.misspelled.replacingOccurrences(of: "messages: 10", with: "messages: many").replacingOccurrences(of: "mesage", with: "message"))
        let result = try await TortureProcess.runAwaiting(["validate", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file):4:"), "\(result.stderr)")
        #expect(result.stderr.contains("expected a whole number"))
    }

    /// The new form's mistakes, each at its file:line:column: a value from a later step, a column
    /// the step cannot return, an actor without a schedule, a twin of a missing scenario.
    @Test func validateNamesTheNewFormsMistakesWhereTheyAre() async throws {
        let workspace = Workspace()
        let base = """
            name: base
            description: read, then write back
            workload: { messages: 10, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema: CREATE TABLE c (id TEXT PRIMARY KEY, value INTEGER);
              steps:
                - name: read
                  role: read
                  sql: SELECT value FROM c WHERE id = :message
                  success: row-returned
                - name: write
                  role: write
                  sql: UPDATE c SET value = :read.value + 1 WHERE id = :message
                  success: rows-affected
            invariants: [no-loss]
            """
        _ = try workspace.write("base.yaml", base)
        let cases: [(String, String, String)] = [
            ("forward", base.replacingOccurrences(of: "WHERE id = :message\n      success: row-returned", with: "WHERE id = :write.value\n      success: row-returned"),
             ":9:12: `:write.value`: step `write` comes later"),
            ("column", base.replacingOccurrences(of: ":read.value + 1", with: ":read.count + 1"), ":13:12: `:read.count`: step `read` returns (value), not `count`"),
            ("actor", base + "\nactors:\n  - name: sweeper\n    steps: []\n", ":17:5: actor `sweeper` has no `schedule`"),
            ("twin", "name: twin\nextends: bsae\ndescription: a typo\n", ":2:10: `extends: bsae`: no scenario file bsae.yaml next to this one, nor a built-in one; did you mean `base`?"),
        ]
        for (name, text, expected) in cases {
            let file = try workspace.write("\(name).yaml", text)
            let result = try await TortureProcess.runAwaiting(["validate", file])
            #expect(result.status == 2, "\(name): \(result.stdout)")
            #expect(result.stderr.contains(file + expected), "\(name): \(result.stderr)")
        }
    }

    @Test func runRefusesABrokenScenarioFileWithExit2() async throws {
        let workspace = Workspace()
        let file = try workspace.write("broken.yaml", Self.misspelled)
        let result = try await TortureProcess.runAwaiting(["run", file, "--report-dir", workspace.reports])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file):5:"))
    }

    @Test func validateAcceptsTheBuiltInCatalogue() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TortureProcess.scenarios)
            .filter { $0.hasSuffix(".yaml") }.map { "\(TortureProcess.scenarios)/\($0)" }
        #expect(files.count >= 17)
        let result = try await TortureProcess.runAwaiting(["validate"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == files.count)
    }

    @Test(arguments: [
        ["run", "race-claim", "--wokers", "8"],
        ["run", "race-claim", "--workers", "0"],
        ["run", "race-claim", "--seed", "banana"],
        ["run", "race-claim", "--store", "mysql://x"],
        ["run", "no-such-scenario"],
        ["frobnicate"],
    ])
    func aWrongCommandLineExits2WithAMessage(arguments: [String]) async throws {
        let workspace = Workspace()
        let result = try await TortureProcess.runAwaiting(arguments + ["--scenarios", TortureProcess.scenarios, "--report-dir", workspace.reports])
        #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test(arguments: [
        ["run", "race-claim", "--junit", "/nonexistent-torture/dir/j.xml"],
        ["soak", "race-claim", "--runs", "1", "--junit", "/nonexistent-torture/dir/j.xml"],
        ["run", "race-claim", "--report-dir", "/nonexistent-torture/dir/reports"],
        ["soak", "race-claim", "--runs", "1", "--report-dir", "/nonexistent-torture/dir/reports"],
    ])
    func anOutputInAFolderThatDoesNotExistIsRefusedAndNothingIsCreated(arguments: [String]) async throws {
        let result = try await TortureProcess.runAwaiting(arguments + ["--scenarios", TortureProcess.scenarios])
        #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
        #expect(result.stderr.contains("the folder /nonexistent-torture/dir does not exist"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-torture"), "no folder was made")
    }

    @Test func listShowsEveryScenarioWithItsSeedSystem() async throws {
        let result = try await TortureProcess.runAwaiting(["list", "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 0)
        let expected = [
            ("race-claim", "003"), ("race-claim-naive", "003"), ("idempotent-submit", "000"), ("idempotent-submit-naive", "000"),
            ("dlq-redrive", "003"), ("visibility-timeout", "003"), ("stale-republish", "000"), ("dlq-reprocess", "004"),
            ("fanout", "001"), ("burst", "000"), ("rate-limit", "002"), ("rate-limit-naive", "002"),
            ("circuit-breaker", "004"), ("session-join", "002"),
        ]
        for (name, seed) in expected {
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            #expect(line?.contains("seed \(seed)") == true, "\(name) missing or without seed system")
        }
    }

    @Test func helpExplainsExitCodes() async throws {
        let result = try await TortureProcess.runAwaiting(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit codes"))
    }
}
