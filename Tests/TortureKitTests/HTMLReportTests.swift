import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TortureKit

@Suite(.serialized) struct HTMLReportTests {
    @Test func aViolatedRunsPageIsSelfContainedAndDrawsTheWitnessTimeline() async throws {
        let outcome = try await Outcomes.violated(in: TemporaryDirectory())
        let html = RunHTMLReport.render(outcome)
        try HTMLChecks.selfContained(html)
        let svgs = try HTMLChecks.wellFormedSVGs(html)
        let messages = RunHTMLReport.witnessMessages(outcome)
        #expect(!messages.isEmpty && messages.count <= RunHTMLReport.timelineMessageLimit)
        #expect(svgs.count == 4 + messages.count, "percentiles, histogram, latency over time, throughput, and one timeline per witness message")
        let firstWitness = try #require(outcome.report.violatedVerdicts.first?.witnesses.first)
        #expect(html.contains("timeline of \(Names.message(messages[0]))"))
        #expect(html.contains(HTMLPage.escape(firstWitness.text)))
        #expect(html.contains(HTMLPage.escape(outcome.report.repro)))
        // Two processors claimed the witness message: its timeline shows two claim marks.
        let timeline = try #require(svgs.first { $0.contains("timeline of \(Names.message(messages[0]))") })
        #expect(timeline.components(separatedBy: " claimed (").count - 1 >= 2)
        for percentile in ["p50", "p99", "p99.9"] { #expect(html.contains(">\(percentile)<"), "\(percentile) row") }
    }

    @Test func aSoaksPageIsSelfContainedAndLinksItsFailedRuns() async throws {
        let directory = TemporaryDirectory()
        let summary = try await SoakLoop.small(["race-claim", "race-claim-naive"], runs: 4, keepGoing: true, in: directory).run()
        let soakDirectory = directory.path + "/reports/soak/x"
        let html = SoakHTMLReport.render(summary, reportRoot: directory.path + "/reports", directory: soakDirectory,
                                         generatedAt: "2026-01-02T03:04:05Z")
        try HTMLChecks.selfContained(html)
        #expect(try HTMLChecks.wellFormedSVGs(html).count == 1 + 2 * summary.scenarios.count, "throughput; per scenario percentiles and histogram")
        let failed = try #require(summary.violations.first)
        let run = try #require(failed.reportDirectory)
        #expect(html.contains("href=\"../../race-claim-naive/\((run as NSString).lastPathComponent)/index.html\""))
        #expect(html.contains(HTMLPage.escape(failed.repro)))
    }

    @Test func relativeLinksClimbOutOfTheSoakFolder() {
        #expect(SoakHTMLReport.relativePath(from: "reports/soak/a", to: "reports/race/b") == "../../race/b")
        #expect(SoakHTMLReport.relativePath(from: "/r/soak/a", to: "/r/race/b") == "../../race/b")
        #expect(SoakHTMLReport.relativePath(from: "/r/soak/a", to: "r/race/b") == nil)
    }
}

enum HTMLChecks {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Nothing that would reach a network or run code: the page must open offline and as it is.
    static func selfContained(_ html: String) throws {
        for forbidden in ["http://", "https://", "<script", "<link", "@import", "src=\""] where html.lowercased().contains(forbidden) {
            throw Problem(description: "the page contains \(forbidden)")
        }
        guard html.hasPrefix("<!DOCTYPE html>"), html.contains("</html>") else { throw Problem(description: "not a whole page") }
    }

    /// Every inline `<svg>…</svg>` parses as XML, so a browser draws it rather than guessing.
    static func wellFormedSVGs(_ html: String) throws -> [String] {
        var svgs: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let svg = String(rest[start.lowerBound..<end.upperBound])
            _ = try XMLDocument(data: Data(svg.utf8))
            svgs.append(svg)
            rest = rest[end.upperBound...]
        }
        return svgs
    }
}
