import Foundation
import Testing

@Suite(.serialized) struct RunReportFormatsTests {
    @Test func aCaughtRunWritesJUnitWithItsReproLineAndASelfContainedPage() async throws {
        let workspace = Workspace()
        let junit = workspace.path + "/junit.xml"
        var caught: TortureProcess.Result?
        for seed in 1...10 {
            let result = try await workspace.run("race-claim-naive", ["--messages", "300", "--seed", String(seed), "--junit", junit])
            if result.status == 1 { caught = result; break }
        }
        let result = try #require(caught, "never caught in 10 seeds")
        let repro = try #require(result.stdout.line(startingWith: "repro: ")).dropFirst("repro: ".count)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"1\" failures=\"1\" errors=\"0\""))
        #expect(xml.contains("<failure message=\"exactly-one-claim violated"))
        #expect(xml.contains("repro: " + repro))

        let directory = try #require(workspace.reportDirectory(from: result.stdout))
        let html = try String(contentsOfFile: directory + "/index.html", encoding: .utf8)
        for forbidden in ["http://", "https://", "<script"] { #expect(!html.contains(forbidden), "\(forbidden) in index.html") }
        #expect(html.contains("Timeline of the witness messages") && html.contains("<svg "))
    }
}
