import Foundation
import Testing

@Suite(.serialized) struct RunCommandTests {
    @Test func raceClaimHoldsAndWritesTheReport() async throws {
        let workspace = Workspace()
        let result = try await workspace.run("race-claim", ["--workers", "64", "--messages", "400", "--seed", "0x5eed"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("exactly-one-claim"))
        #expect(result.stdout.line(startingWith: "exactly-one-claim")?.contains("held") == true)
        let latency = try #require(result.stdout.line(startingWith: "latency end-to-end"))
        #expect(latency.contains("p50") && latency.contains("p99"))
        #expect(!result.stdout.contains("\r") && !result.stderr.contains("\r"), "no progress line when not on a terminal")
        #expect(!result.stdout.contains("repro:"))

        let directory = try #require(workspace.reportDirectory(from: result.stdout))
        #expect(directory.contains("/race-claim/") && directory.hasSuffix("-0x5eed"))
        let report = try workspace.report(at: directory)
        #expect(report["status"] as? String == "held")
        #expect((report["parameters"] as? [String: Any])?["workers"] as? Int == 64)
        #expect((report["faults"] as? [String: Any])?["planHash"] as? String == result.stdout.word(after: "fault plan"))
        for file in ["summary.md", "latency.hgrm"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "\(file) missing")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/history.jsonl"), "history is kept only on failure")
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: workspace.reports + "/latest")
        #expect(directory.hasSuffix(latest))
        let hgrm = try String(contentsOfFile: "\(directory)/latency.hgrm", encoding: .utf8)
        #expect(hgrm.contains("Percentile") && hgrm.contains("#[Mean"))
    }

    @Test(arguments: ["race-claim-naive", "idempotent-submit-naive"])
    func aNaiveTwinIsCaughtAndItsReproLineFailsAgain(scenario: String) async throws {
        let workspace = Workspace()
        var failing: TortureProcess.Result?
        for seed in 1...10 {
            let result = try await workspace.run(scenario, ["--workers", "64", "--seed", String(seed)])
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
            if result.status == 1 { failing = result; break }
        }
        let first = try #require(failing, "\(scenario) was never caught in 10 seeds")
        #expect(first.stdout.contains("VIOLATED"))
        #expect(first.stdout.contains(" claimed by ") || first.stdout.contains(" submitted "))
        let repro = try #require(first.stdout.line(startingWith: "repro: torture run "))
        let directory = try #require(workspace.reportDirectory(from: first.stdout))
        for file in ["report.json", "summary.md", "history.jsonl", "store.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "\(file) missing")
        }

        // The repro line is made of shell-safe words; run it as printed.
        let words = repro.dropFirst("repro: torture ".count).split(separator: " ").map(String.init)
        let again = try await TortureProcess.runAwaiting(words + ["--report-dir", workspace.reports])
        #expect(again.stdout.word(after: "fault plan") == first.stdout.word(after: "fault plan"))
        #expect(again.status == 1, "the repro line did not fail again:\n\(again.stdout)")
    }

    @Test func aStoreThatCannotBeOpenedExits3AndStillWritesTheReport() async throws {
        let workspace = Workspace()
        let result = try await workspace.run("race-claim", ["--store", "sqlite:/nonexistent-folder/run.db", "--seed", "7"])
        #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("STORE FAILED"))
        let directory = try #require(workspace.reportDirectory(from: result.stdout))
        let report = try workspace.report(at: directory)
        #expect(report["status"] as? String == "store-failed")
        #expect((report["verdicts"] as? [Any])?.isEmpty == true)
    }

    @Test func aNamedSQLiteFileThatExistsIsNotTouched() async throws {
        let workspace = Workspace()
        let file = try workspace.write("precious.db", "not ours")
        let result = try await workspace.run("race-claim", ["--store", "sqlite:" + file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("the file exists"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not ours")
    }

    @Test func aNamedSQLiteFileIsCreatedAndKept() async throws {
        let workspace = Workspace()
        let file = workspace.path + "/kept.db"
        let result = try await workspace.run("race-claim", ["--store", "sqlite:" + file, "--messages", "50", "--seed", "3"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(result.stdout.contains("--store sqlite:\(file)") == false, "a held run prints no repro line")
    }

    @Test func jsonPrintsTheReportForMachines() async throws {
        let workspace = Workspace()
        let result = try await workspace.run("idempotent-submit", ["--json", "--messages", "100", "--workers", "8", "--seed", "0x10"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "held")
        #expect(object?["repro"] as? String == "torture run idempotent-submit --workers 8 --messages 100 --deliveries 4 --concurrent 3 --seed 0x10 --store sqlite --scenarios \(TortureProcess.scenarios)")
    }

    @Test func withoutASeedOneIsDrawnAndPrinted() async throws {
        let workspace = Workspace()
        let result = try await workspace.run("race-claim", ["--messages", "20", "--workers", "4"])
        #expect(result.status == 0)
        let seed = try #require(result.stderr.word(after: "seed"))
        #expect(seed.hasPrefix("0x"))
        #expect(result.stdout.contains("seed \(seed) "))
    }
}
