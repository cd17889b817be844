import Foundation
import Testing
@testable import TortureKit

@Suite(.serialized) struct SoakLoopTests {
    @Test func correctScenariosHoldRunAfterRunOnDistinctSeedsAndLeaveNoFiles() async throws {
        let directory = TemporaryDirectory()
        let summary = try await SoakLoop.small(["race-claim", "idempotent-submit"], runs: 5, in: directory).run()
        #expect(summary.runs == 5 && summary.runsHeld == 5 && summary.exitCode == 0)
        #expect(summary.ending == .runsDone)
        #expect(summary.seedsCovered == 3, "positions 0, 1 for both scenarios and 2 for the first")
        #expect(summary.scenarios.map(\.runs) == [3, 2])
        #expect(summary.scenarios[0].heldRanges.count == 1 && summary.scenarios[0].heldRanges[0].lastPosition == 2)
        #expect(summary.scenarios[0].latency.count == 600, "200 messages × 3 runs, merged")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/reports"), "a passing run writes no report")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix("torture-") }
        let left = folders.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/" + $0)) ?? [] }
        #expect(folders.count == 1 && left.isEmpty, "stores left behind: \(folders) \(left)")
    }

    @Test func aViolationStopsTheSoakAndItsReportIsWritten() async throws {
        let directory = TemporaryDirectory()
        let summary = try await SoakLoop.small(["race-claim", "race-claim-naive"], runs: 40, in: directory).run()
        #expect(summary.ending == .violation)
        #expect(summary.runsViolated == 1 && summary.exitCode == 1)
        let failed = try #require(summary.violations.first)
        #expect(failed.scenario == "race-claim-naive")
        #expect(failed.repro.hasPrefix("torture run race-claim-naive ") && failed.repro.contains("--seed \(failed.seed)"))
        let reportDirectory = try #require(failed.reportDirectory)
        for file in ["report.json", "history.jsonl", "index.html", "store.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: "\(reportDirectory)/\(file)"), "\(file) missing")
        }
        #expect(summary.runs < 40)
    }

    @Test func keepGoingCollectsEveryViolation() async throws {
        let directory = TemporaryDirectory()
        let summary = try await SoakLoop.small(["race-claim-naive"], runs: 4, keepGoing: true, in: directory).run()
        #expect(summary.runs == 4 && summary.ending == .runsDone)
        #expect(summary.runsViolated >= 3, "the naive twin is caught in 9 of 10 seeds")
        #expect(summary.violations.count == summary.runsViolated)
        #expect(Set(summary.violations.map(\.seed)).count == summary.violations.count)
    }

    @Test func aCancelledSoakStopsBeforeTheNextRun() async throws {
        let directory = TemporaryDirectory()
        let cancellation = SoakCancellation()
        cancellation.cancel(signal: 15)
        let summary = try await SoakLoop.small(["race-claim"], runs: 10, in: directory, cancellation: cancellation).run()
        #expect(summary.runs == 0 && summary.ending == .interrupted && summary.exitCode == 143)
    }
}
