import Foundation
import Synchronization
import Testing

/// Several `torture run`s writing into one --report-dir at once, as CI shards or a shell loop do.
@Suite struct SharedReportDirectoryTests {
    @Test func runsSharingAReportFolderEachGetTheirOwnAndLatestIsNeverMissing() async throws {
        let workspace = Workspace()
        let arguments = ["run", "race-claim", "--messages", "40", "--workers", "4", "--seed", "0x5eed",
                         "--scenarios", TortureProcess.scenarios, "--report-dir", workspace.reports]
        // One run first, so `latest` exists before the polling starts.
        let first = try await TortureBinary.run(arguments)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let latest = workspace.reports + "/latest"
        let done = Atomic<Bool>(false)
        let missing = Atomic<Int>(0)
        let looks = Atomic<Int>(0)
        let poller = Thread {
            var status = stat()
            while !done.load(ordering: .relaxed) {
                if lstat(latest, &status) != 0 { missing.add(1, ordering: .relaxed) }
                looks.add(1, ordering: .relaxed)
                usleep(50)
            }
        }
        poller.start()
        let runs = try (0..<8).map { _ in try TortureBinary.Running(arguments) }
        var outcomes: [TortureBinary.Outcome] = []
        for run in runs { outcomes.append(await run.finish(timeoutSeconds: 120)) }
        done.store(true, ordering: .relaxed)
        while !poller.isFinished { usleep(1_000) }
        for outcome in outcomes { #expect(outcome.exitCode == 0, "\(outcome.stdout)\n\(outcome.stderr)") }
        #expect(!outcomes.contains { $0.stderr.contains("could not write the report") })
        let folders = outcomes.compactMap { $0.stdout.line(startingWith: "report: ") }
        #expect(Set(folders).count == 8, "every run reports a folder of its own")
        #expect(looks.load(ordering: .relaxed) > 100)
        #expect(missing.load(ordering: .relaxed) == 0, "reports/latest went missing \(missing.load(ordering: .relaxed)) times")
    }
}

/// A report that cannot be written is not a pass: the run's evidence is gone, so the exit is 3.
@Suite struct LostReportTests {
    @Test(arguments: [["run", "race-claim", "--messages", "30", "--workers", "2", "--seed", "1"],
                      ["soak", "race-claim", "--runs", "1", "--messages", "30", "--workers", "2", "--seed-start", "1"]])
    func aReportThatCannotBeWrittenExits3WithTheReason(arguments: [String]) async throws {
        let workspace = Workspace()
        // A file where the report folder should be: its parent exists, but nothing can go inside.
        let blocked = try workspace.write("not-a-folder", "x")
        let result = try await TortureProcess.runAwaiting(arguments + ["--report-dir", blocked, "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("could not be written under \(blocked)"), "\(result.stderr)")
    }
}
