import Foundation
import Testing
@testable import TortureKit

@Suite struct ReportFormatTests {
    /// Every key a report.json can hold, from a real violated run with every optional part filled in.
    static func fullReport() async throws -> RunReport {
        var report = try await Outcomes.violated(in: TemporaryDirectory()).report
        report.failureReason = "why"
        report.latencyBudgetMillis = 500
        report.keptRunSpace = RunSpace(description: "schema s", dropCommand: "DROP SCHEMA s CASCADE;", keptBecause: "violated")
        report.parameters.scheduler = .pct(depth: 3)
        report.simulation = RunReport.Simulation(SimulationScheduler.Statistics())
        report.coverage?.sometimes = [SometimesOutcome(name: "taken-over", condition: "history: lease-expired-then-taken-over", reached: true)]
        let delivery = Delivery(message: 1, attempt: 1)
        report.faults.fired = [Fault.duplicate, .delay(millis: 1), .stall(millis: 1), .crash(restartMillis: 1), .timeout(millis: 1),
                               .error, .storeError(.busy)].map { FiredFault(delivery: delivery, point: .afterRead, fault: $0, worker: 0) }
        return report
    }

    static func keyPaths(_ value: Any, _ path: String = "") -> Set<String> {
        var paths: Set<String> = []
        if let object = value as? [String: Any] {
            // Maps keyed by data (fault@point, error kind) are documented as maps.
            guard !["faults.firedByKindAndPoint", "counts.storeErrors", "coverage.counters"].contains(path) else { return [path] }
            for (key, child) in object {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                paths.insert(childPath)
                paths.formUnion(keyPaths(child, childPath))
            }
        } else if let array = value as? [Any] {
            for child in array { paths.formUnion(keyPaths(child, path + "[]")) }
        }
        return paths
    }

    @Test func everyFieldOfReportJsonIsDocumented() async throws {
        let report = try await Self.fullReport()
        #expect(report.schemaVersion == RunReport.currentSchemaVersion)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report))
        let doc = try String(contentsOfFile: Repository.root + "/docs/report-format.md", encoding: .utf8)
        #expect(doc.contains("## report.json (schemaVersion \(RunReport.currentSchemaVersion))"))
        let undocumented = Self.keyPaths(json).filter { !doc.contains("`\($0)`") }.sorted()
        #expect(undocumented.isEmpty, "not in docs/report-format.md: \(undocumented)")
    }

    @Test func reportJsonHasTheTailPercentilesTheHTMLShows() async throws {
        let report = try await Self.fullReport()
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        let endToEnd = try #require((json["latency"] as? [String: Any])?["endToEnd"] as? [String: Any])
        for key in ["p75Micros", "p95Micros", "p9999Micros"] { #expect(endToEnd[key] is Double, "\(key)") }
        #expect(json["schemaVersion"] as? Int == 2)
    }

    @Test func aVersionOneReportStillReads() async throws {
        let report = try await Self.fullReport()
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        json["schemaVersion"] = nil
        var latency = try #require(json["latency"] as? [String: Any])
        var endToEnd = try #require(latency["endToEnd"] as? [String: Any])
        for key in ["p75Micros", "p95Micros", "p9999Micros"] { endToEnd[key] = nil }
        latency["endToEnd"] = endToEnd
        json["latency"] = latency
        let read = try JSONDecoder().decode(RunReport.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(read.schemaVersion == 1)
        #expect(read.latency.endToEnd.p99Micros == report.latency.endToEnd.p99Micros)
    }
}
