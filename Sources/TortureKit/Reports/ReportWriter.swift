import Foundation

/// Writes a run's report directory: `report.json`, `summary.md`, `latency.hgrm`, `index.html`, and on anything
/// but a clean pass `history.jsonl`; then points `<root>/latest` at it.
public struct ReportWriter {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// `<root>/<scenario>/<yyyymmdd-hhmmss>-<seed>/`, made unique if a run already wrote there.
    public func makeDirectory(scenario: String, stamp: String, seed: Seed) throws -> String {
        return try ReportFolder.makeUnique("\(root)/\(scenario)/\(stamp)-\(seed)")
    }

    /// A soak's `FailedRunReporter`: a unique folder stamped by `wallClock`, the report, and a
    /// snapshot of the store.
    public func failedRunReporter(wallClock: any WallClock) -> SoakLoop.FailedRunReporter {
        let root = root
        return { outcome, store in
            let writer = ReportWriter(root: root)
            let directory = try writer.makeDirectory(scenario: outcome.report.scenario.name, stamp: wallClock.stamp().folder,
                                                     seed: outcome.report.parameters.seed)
            try writer.write(outcome, to: directory)
            try store.snapshot(into: directory)
            return directory
        }
    }

    public func write(_ outcome: RunEngine.Outcome, to directory: String) throws {
        let report = outcome.report
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(report).write(to: URL(fileURLWithPath: "\(directory)/report.json"), options: .atomic)
        try MarkdownSummary.render(report).write(toFile: "\(directory)/summary.md", atomically: true, encoding: .utf8)

        var hgrm = ""
        // Recorded in nanoseconds; the file is in microseconds.
        outcome.endToEnd.outputPercentileDistribution(to: &hgrm, outputValueUnitScalingRatio: 1_000)
        try hgrm.write(toFile: "\(directory)/latency.hgrm", atomically: true, encoding: .utf8)
        try RunHTMLReport.render(outcome).write(toFile: "\(directory)/index.html", atomically: true, encoding: .utf8)

        if report.status != .held {
            try HistoryJSONLines.write(outcome.history, to: "\(directory)/history.jsonl")
        }
        try pointLatest(at: directory)
    }

    /// A relative link, so the reports folder can be moved or uploaded as a whole.
    private func pointLatest(at directory: String) throws {
        let latest = "\(root)/latest"
        let target = directory.hasPrefix(root + "/") ? String(directory.dropFirst(root.count + 1)) : directory
        try ReportFolder.replaceLink(latest, pointingAt: target)
    }
}
