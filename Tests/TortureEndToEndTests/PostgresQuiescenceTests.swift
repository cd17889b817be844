import Foundation
import Testing

/// `release-relay` on a real server: two actors feeding each other end the run only when neither
/// can change anything more, on threads and in simulation.
extension PostgresEndToEndTests {
    static let quiescenceScenarios = TortureBinary.packageRoot + "/Tests/scenarios"

    @Test(arguments: ["threads", "sim"])
    func twoActorsFeedingEachOtherFinishEveryJobOnPostgres(scheduler: String) async throws {
        let reports = TortureBinary.reportDirectory()
        for seed in 1...20 {
            let run = try await TortureBinary.run([
                "run", Self.quiescenceScenarios + "/release-relay.yaml", "--scheduler", scheduler, "--workers", "4", "--seed", String(seed),
                "--store", database.url, "--report-dir", reports,
            ])
            #expect(run.exitCode == 0, "seed \(seed) on \(scheduler): \(run.stdout)\n\(run.stderr)")
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
