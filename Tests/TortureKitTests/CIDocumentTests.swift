import Foundation
import Testing

/// docs/ci.md's workflow is copied into other repositories as it is: what it promises must add up.
@Suite struct CIDocumentTests {
    static func workflow() throws -> String {
        let doc = try String(contentsOfFile: Repository.root + "/docs/ci.md", encoding: .utf8)
        let start = try #require(doc.range(of: "```yaml\n# .github/workflows/nightly-soak.yml"))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        return String(doc[start.upperBound..<end.lowerBound])
    }

    static func minutes(after key: String, in text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: key + " ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test func theJobsTimeoutCoversItsStepsAndEachSoakFitsItsStep() throws {
        let workflow = try Self.workflow()
        let limits = Self.minutes(after: "timeout-minutes:", in: workflow)
        let job = try #require(limits.first)
        let steps = limits.dropFirst()
        #expect(steps.count == 3, "build and two soaks have limits of their own")
        #expect(steps.reduce(0, +) + 5 <= job, "steps \(Array(steps)) and 5 minutes of set-up and upload within \(job)")
        let soaks = Self.minutes(after: "--duration", in: workflow)
        #expect(soaks.count == 2)
        for (soak, limit) in zip(soaks, steps.dropFirst()) { #expect(soak + 2 <= limit, "a \(soak)m soak in a \(limit)-minute step") }
    }

    @Test func theJUnitCheckMayWriteAndTheSummaryReachesTheJobPage() throws {
        let workflow = try Self.workflow()
        #expect(workflow.contains("permissions:\n  contents: read\n  checks: write"))
        #expect(workflow.contains(">> \"$GITHUB_STEP_SUMMARY\""))
    }

    @Test func theSwiftItBuildsWithIsOneThatExists() throws {
        let workflow = try Self.workflow()
        // setup-swift@v2's own list ends at 6.2.x; a 6.3 there fails with "Version is not available".
        #expect(!workflow.contains("uses: swift-actions/setup-swift"))
        #expect(workflow.contains("container: swift:6.3-noble"))
    }
}
