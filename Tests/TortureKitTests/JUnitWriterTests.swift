import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TortureKit

/// The common JUnit schema as CI servers read it: `testsuites` of `testsuite`s of `testcase`s,
/// each `failure`/`error` with a message and a type, and counts that agree with the cases.
@Suite(.serialized) struct JUnitWriterTests {
    @Test func aSoakWithViolationsValidatesAgainstTheCommonSchema() async throws {
        let directory = TemporaryDirectory()
        let summary = try await SoakLoop.small(["race-claim", "race-claim-naive"], runs: 6, keepGoing: true, in: directory).run()
        #expect(summary.runsViolated >= 2)
        let xml = JUnitWriter.render(JUnitReport.soak(summary))
        let root = try #require(try XMLDocument(data: Data(xml.utf8)).rootElement())
        let totals = try JUnitSchema.validate(root)
        #expect(totals.tests == 2, "one case per scenario, whatever the seeds")
        #expect(totals.failures == 1 && totals.errors == 0)

        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["torture soak shard 1/1"])
        let cases = suites[0].elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["race-claim", "race-claim-naive"], "names carry no seed")
        #expect(cases[0].elements(forName: "system-out").first?.stringValue?.contains("held: seeds 0x") == true, "the seeds are in the body")
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue?.contains("exactly-one-claim") == true)
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("\(summary.runsViolated) of ") == true)
        let text = failure.stringValue ?? ""
        #expect(text.contains(" claimed by "), "witnesses in words")
        #expect(text.contains("repro: torture run race-claim-naive ") && text.contains("--seed 0x"))
        #expect(text.components(separatedBy: "repro: ").count - 1 == summary.runsViolated, "every failed run's repro line")
    }

    @Test func theSameScenariosGiveTheSameCaseNamesWhateverTheSeeds() async throws {
        let first = try await SoakLoop.small(["race-claim"], runs: 2, keepGoing: true, in: TemporaryDirectory()).run()
        var second = first
        second.seedStart = Seed(0xDEAD)
        let names = { (summary: SoakSummary) in JUnitReport.soak(summary).suites.flatMap { $0.cases.map(\.name) } + JUnitReport.soak(summary).suites.map(\.name) }
        #expect(names(first) == names(second))
    }

    @Test func aRunIsOneCaseAndMarkupInTextIsEscaped() async throws {
        let directory = TemporaryDirectory()
        var report = try await Outcomes.run("race-claim", seed: 3, in: directory).report
        report.scenario.name = "odd <name> & \"quotes\""
        let xml = JUnitWriter.render(JUnitReport.run(report))
        let root = try #require(try XMLDocument(data: Data(xml.utf8)).rootElement())
        let totals = try JUnitSchema.validate(root)
        #expect(totals.tests == 1 && totals.failures == 0)
        #expect(root.elements(forName: "testsuite").first?.attribute(forName: "name")?.stringValue == "odd <name> & \"quotes\"")
    }

    @Test func aStoreFailureIsAnErrorNotAFailure() async throws {
        var report = try await Outcomes.run("race-claim", seed: 3, in: TemporaryDirectory()).report
        report.status = .storeFailed
        report.failureReason = "cannot connect: \u{1}disk I/O error"
        let xml = JUnitWriter.render(JUnitReport.run(report))
        let root = try #require(try XMLDocument(data: Data(xml.utf8)).rootElement(), "a control character must not break the XML")
        let totals = try JUnitSchema.validate(root)
        #expect(totals.errors == 1 && totals.failures == 0)
    }
}

/// Checks what the common JUnit XSD requires of the elements torture writes.
enum JUnitSchema {
    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    static func validate(_ root: XMLElement) throws -> (tests: Int, failures: Int, errors: Int) {
        guard root.name == "testsuites" else { throw Violation(description: "root is \(root.name ?? "?"), not testsuites") }
        var totals = (tests: 0, failures: 0, errors: 0)
        for suite in root.elements(forName: "testsuite") {
            try require(suite, ["name", "tests", "failures", "errors", "time"])
            let cases = suite.elements(forName: "testcase")
            let failures = cases.filter { !$0.elements(forName: "failure").isEmpty }.count
            let errors = cases.filter { !$0.elements(forName: "error").isEmpty }.count
            try expectCount(suite, "tests", cases.count)
            try expectCount(suite, "failures", failures)
            try expectCount(suite, "errors", errors)
            for testCase in cases {
                try require(testCase, ["classname", "name", "time"])
                for problem in testCase.elements(forName: "failure") + testCase.elements(forName: "error") {
                    try require(problem, ["message", "type"])
                }
                let allowed: Set<String> = ["failure", "error", "skipped", "system-out", "system-err", "properties"]
                for child in testCase.children ?? [] where child.kind == .element {
                    guard allowed.contains(child.name ?? "") else { throw Violation(description: "unexpected <\(child.name ?? "")> in testcase") }
                }
            }
            totals.tests += cases.count
            totals.failures += failures
            totals.errors += errors
        }
        try require(root, ["tests", "failures", "errors", "time"])
        try expectCount(root, "tests", totals.tests)
        try expectCount(root, "failures", totals.failures)
        try expectCount(root, "errors", totals.errors)
        return totals
    }

    private static func require(_ element: XMLElement, _ names: [String]) throws {
        for name in names {
            guard let value = element.attribute(forName: name)?.stringValue else {
                throw Violation(description: "<\(element.name ?? "")> lacks \(name)")
            }
            if name == "time", Double(value) == nil || Double(value)! < 0 {
                throw Violation(description: "<\(element.name ?? "")> time \"\(value)\" is not a non-negative decimal")
            }
        }
    }

    private static func expectCount(_ element: XMLElement, _ name: String, _ expected: Int) throws {
        guard element.attribute(forName: name)?.stringValue == String(expected) else {
            throw Violation(description: "<\(element.name ?? "")> \(name)=\(element.attribute(forName: name)?.stringValue ?? "nil"), counted \(expected)")
        }
    }
}
