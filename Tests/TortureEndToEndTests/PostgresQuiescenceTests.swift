import Foundation
import Testing

/// `release-relay` on a real server: two actors feeding each other end the run only when neither
/// can change anything more (or, with a heartbeat beside them, when `until:` says so), on threads
/// and in simulation.
extension PostgresEndToEndTests {
    static let quiescenceScenarios = TortureBinary.packageRoot + "/Tests/scenarios"

    /// `release-relay-until` adds a heartbeat that is never quiet: its `until:` query ends the run.
    @Test(arguments: ["release-relay", "release-relay-until"], ["threads", "sim"])
    func twoActorsFeedingEachOtherFinishEveryJobOnPostgres(scenario: String, scheduler: String) async throws {
        let reports = TortureBinary.reportDirectory()
        for seed in 1...20 {
            let run = try await TortureBinary.run([
                "run", Self.quiescenceScenarios + "/\(scenario).yaml", "--scheduler", scheduler, "--workers", "4", "--seed", String(seed),
                "--store", database.url, "--report-dir", reports,
            ])
            #expect(run.exitCode == 0, "seed \(seed) on \(scheduler): \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("done 12,"), "seed \(seed): every job finished once: \(run.stdout)")
        }
    }

    @Test func withoutTheReleaserTheBlockedJobsAreCaughtOnPostgres() async throws {
        let run = try await TortureBinary.run([
            "run", Self.quiescenceScenarios + "/release-relay-naive.yaml", "--workers", "4", "--seed", "1",
            "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
        ])
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("sql:every-job-finished  VIOLATED"), "\(run.stdout)")
        #expect(!run.stdout.contains("liveness"), "\(run.stdout)")
    }
}
