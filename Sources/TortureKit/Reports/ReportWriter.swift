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
        try writeSummary(outcome, to: directory)
        try writeDetails(outcome, to: directory)
    }

    /// What a reader needs first, and all a signal's two seconds may allow on a loaded machine:
    /// `report.json` and `summary.md`; then `latest` points here.
    public func writeSummary(_ outcome: RunEngine.Outcome, to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(outcome.report).write(to: URL(fileURLWithPath: "\(directory)/report.json"), options: .atomic)
        try MarkdownSummary.render(outcome.report).write(toFile: "\(directory)/summary.md", atomically: true, encoding: .utf8)
        if !outcome.handlerStderr.isEmpty {
            try FileManager.default.createDirectory(atPath: "\(directory)/handler-stderr", withIntermediateDirectories: true)
            for (worker, text) in outcome.handlerStderr {
                try text.write(toFile: "\(directory)/\(HandlerSummary.stderrFile(worker))", atomically: true, encoding: .utf8)
            }
        }
        try pointLatest(at: directory)
    }

    /// The rest, slower to render: `latency.hgrm`, `index.html`, and on anything but a clean pass
    /// `history.jsonl`.
    public func writeDetails(_ outcome: RunEngine.Outcome, to directory: String) throws {
        let endToEnd = HistogramDigest(outcome.endToEnd)
        // Recorded in nanoseconds; the file is in microseconds.
        try HgrmText.render(endToEnd, valueUnitScalingRatio: 1_000).write(toFile: "\(directory)/latency.hgrm", atomically: true, encoding: .utf8)
        try RunHTMLReport.render(outcome, endToEnd: endToEnd).write(toFile: "\(directory)/index.html", atomically: true, encoding: .utf8)
        if outcome.report.status != .held {
            try HistoryJSONLines.write(outcome.history, to: "\(directory)/history.jsonl")
        }
    }

    /// A relative link, so the reports folder can be moved or uploaded as a whole.
    private func pointLatest(at directory: String) throws {
        let latest = "\(root)/latest"
        let target = directory.hasPrefix(root + "/") ? String(directory.dropFirst(root.count + 1)) : directory
        try ReportFolder.replaceLink(latest, pointingAt: target)
    }
}
