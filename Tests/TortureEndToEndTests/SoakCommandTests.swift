import Foundation
import Testing
import TortureKit

@Suite(.serialized) struct SoakCommandTests {
    @Test func correctScenariosHoldAndTheSummaryIsWrittenInEveryForm() async throws {
        let workspace = Workspace()
        let junit = workspace.path + "/junit.xml"
        let result = try await workspace.soak(["all", "--runs", "4", "--messages", "200", "--seed-start", "0x5eed", "--junit", junit])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasPrefix("soak held: 4 runs (4 held, 0 violated"))
        #expect(!result.stdout.contains("naive"), "`all` leaves the naive twins out")
        #expect(!result.stdout.contains("repro:"))
        #expect(!result.stderr.contains("\r"), "no progress line when not on a terminal")
        let directory = try #require(result.stdout.line(startingWith: "soak report: ").map { String($0.dropFirst("soak report: ".count)) })
        for file in ["summary.json", "summary.md", "index.html"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "\(file) missing")
        }
        let summary = try workspace.json(at: directory + "/summary.json")
        // `all` is every scenario but the twins, in name order; 4 runs cover the first four on seed position 0.
        #expect(summary["runs"] as? Int == 4 && summary["seedsCovered"] as? Int == 1 && summary["ending"] as? String == "runs-done")
        let scenarios = try #require(summary["scenarios"] as? [[String: Any]])
        #expect(scenarios.filter { ($0["runs"] as? Int ?? 0) > 0 }.map { $0["name"] as? String } == ["audit", "burst", "circuit-breaker", "counter"])
        #expect(scenarios.count >= 12 && scenarios.allSatisfy { !(($0["name"] as? String) ?? "").hasSuffix("-naive") })
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        // Beside them one case per `sometimes:` condition: those of scenarios the soak did not reach were never reached, and skipped.
        let sometimes = scenarios.reduce(0) { $0 + ((($1["coverage"] as? [String: Any])?["sometimes"] as? [Any])?.count ?? 0) }
        #expect(sometimes >= 2, "the catalogue declares `sometimes:` conditions")
        #expect(xml.contains("<testsuites ") && xml.contains("tests=\"\(scenarios.count + sometimes)\" failures=\"0\" errors=\"0\""),
                "one case per scenario and per `sometimes`")
        #expect(xml.contains("skipped=\"\(scenarios.count - 4 + sometimes)\""), "the scenarios the soak did not reach are skipped")
        #expect(xml.contains("<testcase classname=\"torture.soak\" name=\"burst\""))
        for scenario in ["audit", "burst", "circuit-breaker", "counter"] {
            let hgrm = try String(contentsOfFile: "\(directory)/latency-\(scenario).hgrm", encoding: .utf8)
            #expect(hgrm.contains("Percentile") && hgrm.contains("#[Max"), "\(scenario)'s merged histogram")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.reports + "/burst"), "passing runs leave no report folder")
    }

    @Test func aNaiveTwinStopsTheSoakWithExit1AndItsReproLineFailsAgain() async throws {
        let workspace = Workspace()
        let result = try await workspace.soak(["race-claim", "race-claim-naive", "--runs", "20", "--seed-start", "9"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasPrefix("soak VIOLATED"))
        #expect(result.stdout.contains("stopped: race-claim-naive seed 0x"))
        #expect(result.stderr.contains("VIOLATED race-claim-naive seed 0x") && result.stderr.contains("exactly-one-claim ("),
                "without a terminal the broken invariant is still said as it is found: \(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"), "and with no terminal control codes")
        let repros = result.stdout.split(separator: "\n").filter { $0.hasPrefix("repro: ") }
        #expect(repros.count == 1, "stops at the first violation")
        let repro = try #require(repros.first)
        let words = repro.dropFirst("repro: torture ".count).split(separator: " ").map(String.init)
        #expect(words.first == "run" && words.contains("race-claim-naive"))
        let again = try await TortureProcess.runAwaiting(words + ["--report-dir", workspace.reports])
        #expect(again.status == 1, "the repro line did not fail again:\n\(again.stdout)")
    }

    @Test func keepGoingAndJsonPrintOnlyTheSummaryWithEveryRepro() async throws {
        let workspace = Workspace()
        let result = try await workspace.soak(["race-claim-naive", "--runs", "3", "--keep-going", "--json", "--seed-start", "1"])
        #expect(result.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let violations = try #require(summary["violations"] as? [[String: Any]])
        #expect(summary["runs"] as? Int == 3 && violations.count == summary["runsViolated"] as? Int && violations.count >= 2)
        #expect(violations.allSatisfy { ($0["repro"] as? String)?.hasPrefix("torture run race-claim-naive ") == true })
    }

    @Test func shardsOfOneSeedStartRunDisjointSeedsFromTheSharedSequence() async throws {
        let workspace = Workspace()
        var firstSeeds: [String] = []
        for shard in ["1/2", "2/2"] {
            let result = try await workspace.soak(["race-claim", "--runs", "2", "--messages", "50", "--seed-start", "0x5eed", "--shard", shard, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let expected = SeedSequence(start: Seed(0x5EED), shard: SoakShard(parsing: shard)!)
            #expect(summary["firstSeed"] as? String == expected.seed(at: 0).description)
            #expect(summary["lastSeed"] as? String == expected.seed(at: 1).description)
            firstSeeds.append(summary["firstSeed"] as? String ?? "")
        }
        #expect(firstSeeds[0] != firstSeeds[1])
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSignalEndsTheSoakWithinTwoSecondsWithAReadablePartialSummary(signal: Int32, exitCode: Int32) async throws {
        let workspace = Workspace()
        // race-claim at 100 messages: a run takes well under a second even on a loaded machine, so
        // some have finished when the signal comes.
        let running = try RunningTorture(["soak", "race-claim", "--duration", "10m", "--messages", "100", "--seed-start", "3",
                                          "--junit", workspace.path + "/junit.xml",
                                          "--report-dir", workspace.reports, "--scenarios", TortureProcess.scenarios], in: workspace)
        // The second run's store appears once the first run has finished and been counted.
        let started = ContinuousClock.now
        var reached: String?
        while reached == nil {
            reached = Self.storeFolderHolds(run: 2, of: running.pid)
            if reached != nil { break }
            if ContinuousClock.now - started > .seconds(120) { running.stop() }
            try #require(ContinuousClock.now - started <= .seconds(120), "no run finished in two minutes")
            try await Task.sleep(for: .milliseconds(50))
        }
        let folder = try #require(reached)
        let seconds = try #require(try await running.signalAwaiting(signal), "the soak did not end after the signal")
        #expect(seconds < 2.0, "took \(seconds) s")
        #expect(running.exitCode == exitCode, "\(running.stdout)\n\(running.stderr)")
        let directory = try #require(running.stdout.line(startingWith: "soak report: ").map { String($0.dropFirst("soak report: ".count)) })
        let summary = try workspace.json(at: directory + "/summary.json")
        #expect(summary["ending"] as? String == "interrupted" && summary["signal"] as? Int == Int(signal))
        #expect((summary["runs"] as? Int ?? 0) >= 1, "runs before the signal are counted")
        #expect(!FileManager.default.fileExists(atPath: folder), "the temporary stores are gone")
        let markdown = try String(contentsOfFile: directory + "/summary.md", encoding: .utf8)
        #expect(markdown.contains("(interrupted)"))
        #expect(try String(contentsOfFile: workspace.path + "/junit.xml", encoding: .utf8).hasSuffix("</testsuites>\n"))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: workspace.reports).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "half-written files: \(leftovers)")
    }

    /// Whether the soak's temporary folder has got to its `run`-th store or a later one
    /// (`<run>-<scenario>-<seed>.sqlite`). A store lives only while its run does, under a second:
    /// a poll that wakes late on a loaded machine may miss one, never all that follow.
    /// The folder, once it holds such a store; nil before.
    static func storeFolderHolds(run: Int, of pid: pid_t) -> String? {
        guard let folder = Interrupting.storeFolder(of: pid) else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.contains { name in name.split(separator: "-").first.flatMap { Int($0) }.map { $0 >= run } ?? false } ? folder : nil
    }

    @Test func theRunInHandIsStoppedNotCountedAndTheSummaryWrittenWithinTwoSeconds() async throws {
        let workspace = Workspace()
        // 100 000 messages × 4 deliveries: far longer than the two seconds a signal allows.
        let running = try RunningTorture(["soak", "race-claim", "--runs", "1", "--messages", "100000", "--seed-start", "3",
                                          "--report-dir", workspace.reports, "--scenarios", TortureProcess.scenarios], in: workspace)
        let started = ContinuousClock.now
        while Interrupting.storeFolder(of: running.pid) == nil, ContinuousClock.now - started < .seconds(120) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let folder = try #require(Interrupting.storeFolder(of: running.pid), "the soak never made its store")
        let seconds = try #require(try await running.signalAwaiting(SIGINT), "the soak did not end after the signal")
        #expect(seconds < 2.0, "took \(seconds) s")
        #expect(running.exitCode == 130, "\(running.stdout)\n\(running.stderr)")
        let directory = try #require(running.stdout.line(startingWith: "soak report: ").map { String($0.dropFirst("soak report: ".count)) })
        let summary = try workspace.json(at: directory + "/summary.json")
        #expect(summary["runs"] as? Int == 0 && summary["ending"] as? String == "interrupted")
        #expect((summary["stopReason"] as? String)?.contains("not counted") == true, "\(summary["stopReason"] ?? "")")
        #expect(!FileManager.default.fileExists(atPath: folder), "the temporary store is gone")
    }

    @Test func aWrongCommandLineExits2AndSaysWhatWasExpected() async throws {
        let workspace = Workspace()
        let cases: [([String], String)] = [
            (["--shard", "3/2"], "--shard expects i/n"),
            (["--duration", "5x"], "--duration expects"),
            (["--duration", "1m", "--runs", "3"], "not both"),
            (["no-such-scenario"], "no scenario named `no-such-scenario`"),
        ]
        for (arguments, message) in cases {
            let result = try await workspace.soak(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        // Names given as arguments and a --scenarios that is no folder: which one was meant is unclear.
        let both = try await TortureProcess.runAwaiting(["soak", "race-claim", "--scenarios", "race-claim,idempotent-submit", "--runs", "1",
                                           "--report-dir", workspace.reports])
        #expect(both.status == 2 && both.stderr.contains("name the scenarios to soak as arguments"))
    }

    /// The issue's spelling: `torture soak --scenarios all` or `--scenarios a,b` with no folder of that name.
    @Test func scenariosGivenAsTheIssueSpellsThemAreTheList() async throws {
        let workspace = Workspace()
        let result = try await TortureProcess.runAwaiting(["soak", "--scenarios", "race-claim,idempotent-submit", "--runs", "2", "--messages", "100",
                                             "--seed-start", "5", "--report-dir", workspace.reports, "--json"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let names = (summary["scenarios"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["race-claim", "idempotent-submit"])
    }
}

extension Workspace {
    /// `torture soak …` with reports kept in this workspace and the repository's scenarios.
    func soak(_ arguments: [String]) async throws -> TortureProcess.Result {
        try await TortureProcess.runAwaiting(["soak"] + arguments + ["--report-dir", reports, "--scenarios", TortureProcess.scenarios])
    }

    func json(at path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }
}
