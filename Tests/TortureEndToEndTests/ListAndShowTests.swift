import Foundation
import Testing

/// `list` is one short line a scenario; `list --long` and `show` say the rest.
@Suite struct ListAndShowTests {
    @Test func listIsOneShortLineAScenario() async throws {
        let result = try await TortureProcess.runAwaiting(["list", "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: TortureProcess.scenarios).filter { $0.hasSuffix(".yaml") }
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == files.count)
        for line in lines { #expect(line.count <= 140, "\(line)") }
        let counter = try #require(lines.first { $0.hasPrefix("counter ") })
        #expect(counter.contains("no increment lost") && !counter.contains("BEGIN IMMEDIATE"), "\(counter)")
    }

    @Test func listLongAddsEachDescriptionInFull() async throws {
        let result = try await TortureProcess.runAwaiting(["list", "--long", "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 0, "\(result.stderr)")
        let folded = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(folded.contains("On SQLite a transaction takes the write lock when it begins (BEGIN IMMEDIATE)"), "\(result.stdout)")
    }

    @Test func showSaysWhatARunStartsFrom() async throws {
        let result = try await TortureProcess.runAwaiting(["show", "counter", "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.hasPrefix("counter  (seed system 002)\n"), "\(out)")
        #expect(out.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("(BEGIN IMMEDIATE), so the read"),
                "the description in full")
        #expect(out.contains("file          \(TortureProcess.scenarios)/counter.yaml"), "\(out)")
        #expect(out.contains("workload      ") && out.contains("16 workers"), "\(out)")
        #expect(out.contains("delivery      sqs"), "\(out)")
        #expect(out.contains("steps         "), "\(out)")
        #expect(out.contains("invariants    ") && out.contains("no-lost-update"), "\(out)")
        #expect(out.contains("faults        "), "\(out)")
    }

    @Test func showOfAnUnknownNameSuggestsTheNearest() async throws {
        let result = try await TortureProcess.runAwaiting(["show", "race-clam", "--scenarios", TortureProcess.scenarios])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean `race-claim`?"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// A refusal is not a finding: no seed reproduces anything, the file is what to fix.
    @Test func aRunRefusedAsScenarioInvalidPrintsNoReproLine() async throws {
        let workspace = Workspace()
        let file = try workspace.write("missing.yaml", BadScenarios.missingTable)
        let result = try await TortureProcess.runAwaiting(["run", file, "--store", "sqlite", "--seed", "1", "--report-dir", workspace.reports])
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("SCENARIO INVALID: \(file):15:"), "\(result.stdout)")
        #expect(!result.stdout.contains("repro:") && !result.stderr.contains("repro:"), "\(result.stdout)")
    }
}
