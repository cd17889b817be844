import Foundation
import Testing

/// A report recorded on PostgreSQL replays on PostgreSQL, in a schema of its own: the server from
/// `--store`, or TORTURE_DATABASE_URL when none is given — never a password read from the report.
/// Part of the serialized PostgreSQL suite: its neighbours count schemas before and after.
extension PostgresEndToEndTests {
    @Test(arguments: [true, false])
    func aPostgresReportReplaysOnPostgresInAFreshSchema(namingTheStore: Bool) async throws {
        let reports = TortureBinary.reportDirectory()
        var recorded: String?
        for seed in ["0x1", "0x2", "0x3", "0x4", "0x5"] where recorded == nil {
            let run = try await TortureBinary.run([
                "run", "race-claim-naive", "--workers", "32", "--messages", "300", "--seed", seed, "--store", database.url,
                "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports,
            ])
            #expect(run.exitCode == 0 || run.exitCode == 1, "\(run.stderr)")
            if run.exitCode == 1 { recorded = run.stdout.line(startingWith: "report: ").map { String($0.dropFirst("report: ".count)) } }
        }
        let directory = try #require(recorded, "race-claim-naive was not caught on PostgreSQL in 5 seeds")
        let recordedSchema = try #require(Self.schema(in: directory), "the violated run keeps its schema")

        let arguments = ["replay", directory, "--report-dir", reports] + (namingTheStore ? ["--store", database.url] : [])
        let environment = namingTheStore ? ["TORTURE_DATABASE_URL": ""] : ["TORTURE_DATABASE_URL": database.url]
        let replay = try await TortureBinary.run(arguments, environment: environment)
        #expect(replay.exitCode == 1, "\(replay.stdout)\n\(replay.stderr)")
        let replayedOn = try #require(replay.stdout.line(startingWith: "replayed on "))
        #expect(replayedOn.contains("postgres") && replayedOn.contains("schema torture_"), "\(replayedOn)")
        #expect(!replayedOn.contains("sqlite"))
        let replayDirectory = try #require(replay.stdout.line(startingWith: "report: ").map { String($0.dropFirst("report: ".count)) })
        let replaySchema = try #require(Self.schema(in: replayDirectory), "the violated replay keeps its schema")
        #expect(replaySchema != recordedSchema, "the replay works in a fresh schema of its own")
        #expect(try database.runSchemas().isSuperset(of: [recordedSchema, replaySchema]))
        for schema in [recordedSchema, replaySchema] {
            try database.dropRunSpace(schema)
        }
    }

    /// The schema a report says it kept.
    static func schema(in reportDirectory: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: reportDirectory + "/report.json")),
              let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let kept = report["keptRunSpace"] as? [String: Any], let drop = kept["dropCommand"] as? String else { return nil }
        return drop.split(separator: "\"").dropFirst().first.map(String.init)
    }
}
