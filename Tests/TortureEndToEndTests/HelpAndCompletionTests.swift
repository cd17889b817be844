import Foundation
import Testing

/// What a person typing at a shell gets: examples in --help, completion of scenario names and
/// --scheduler values, a suggestion for a mistyped command.
@Suite struct HelpAndCompletionTests {
    @Test(arguments: ["run", "soak"])
    func helpCarriesExamples(command: String) async throws {
        let help = try await TortureProcess.runAwaiting([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:") && help.stdout.contains("  torture \(command) race-claim"), "\(help.stdout)")
    }

    @Test func aMistypedCommandGetsTheNearestOne() async throws {
        let result = try await TortureProcess.runAwaiting(["rn", "race-claim"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("`rn` is not a torture command; did you mean `torture run`?"), "\(result.stderr)")
    }

    @Test func completionOffersScenarioNamesAndSchedulers() async throws {
        let script = try await TortureProcess.runAwaiting(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        #expect(script.stdout.contains("'threads'$'\\n''sim'$'\\n''pct'"), "--scheduler values are completed")
        // The scenario argument asks the binary itself, as the generated script does.
        let names = try await TortureProcess.runAwaiting(["---completion", "run", "--", "positional@0", "0", "4", "race"], in: NSTemporaryDirectory())
        #expect(names.stdout.split(separator: "\n").contains("race-claim"), "\(names.stdout)\n\(names.stderr)")
        #expect(names.stdout.split(separator: "\n").contains("race-claim-naive"))
        #expect(!names.stdout.contains("burst"), "only names with the typed prefix")
    }
}
