import Testing
@testable import TortureKit

/// The one line `torture list` shows: `summary:`, else the description's first sentence.
@Suite struct ScenarioSummaryTests {
    @Test func withoutASummaryTheFirstSentenceServes() throws {
        #expect(ScenarioSummary.firstSentence(of: "One thing. Then\n  another.") == "One thing")
        #expect(ScenarioSummary.firstSentence(of: "SELECT … FOR UPDATE (v1.2) holds.") == "SELECT … FOR UPDATE (v1.2) holds")
        #expect(ScenarioSummary.firstSentence(of: "no full stop\nat all") == "no full stop at all")
        let text = ScenarioLoaderTests.valid.replacingOccurrences(
            of: "description: a claim on one table", with: "description: A claim. On one table, at length.")
        let scenario = try ScenarioLoader.parse(text, file: "tiny.yaml")
        #expect(scenario.summary == "A claim")
        #expect(scenario.description == "A claim. On one table, at length.")
    }

    @Test func aSummaryIsOneShortLine() throws {
        let summarized = ScenarioLoaderTests.valid.replacingOccurrences(
            of: "description: a claim on one table", with: "summary: short\ndescription: a claim on one table")
        #expect(try ScenarioLoader.parse(summarized, file: "tiny.yaml").summary == "short")
        let long = summarized.replacingOccurrences(of: "summary: short", with: "summary: " + String(repeating: "x", count: 121))
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(long, file: "tiny.yaml") }
        let twoLines = summarized.replacingOccurrences(of: "summary: short", with: "summary: \"one\\ntwo\"")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(twoLines, file: "tiny.yaml") }
    }

    /// A twin states its own description, so the base's summary (of the base's description) is not its.
    @Test func aTwinDoesNotInheritItsBasesSummary() throws {
        let base = ScenarioLoaderTests.valid.replacingOccurrences(
            of: "description: a claim on one table", with: "summary: the base's line\ndescription: a claim on one table")
        let sources = ScenarioSources(find: { name, _ in name == "tiny" ? ("tiny.yaml", base) : nil }, known: { _ in ["tiny"] })
        let twin = try ScenarioLoader.parse("name: twin\nextends: tiny\ndescription: planted bug. More words.\n", file: "twin.yaml", sources: sources)
        #expect(twin.summary == "planted bug")
        let summarized = try ScenarioLoader.parse(
            "name: twin\nextends: tiny\nsummary: its own\ndescription: planted bug\n", file: "twin.yaml", sources: sources)
        #expect(summarized.summary == "its own")
    }
}
