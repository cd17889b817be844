import Foundation

/// Writes a soak's folder: `summary.json` and `summary.md` first, then `index.html` and a
/// `latency-<scenario>.hgrm` per scenario that ran, each atomically (a temporary
/// file renamed into place), so a soak stopped by a signal leaves either the old file or the new
/// one, never half of one.
public struct SoakReportWriter {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// `<root>/soak/<yyyymmdd-hhmmss>-<seed-start>-shard-<i>-of-<n>/`, made unique if it exists.
    public func makeDirectory(stamp: String, seedStart: Seed, shard: SoakShard) throws -> String {
        return try ReportFolder.makeUnique("\(root)/soak/\(stamp)-\(seedStart)-shard-\(shard.index)-of-\(shard.count)")
    }

    public func write(_ summary: SoakSummary, to directory: String, generatedAt: String) throws {
        try writeSummary(summary, to: directory)
        try writeDetails(summary, to: directory, generatedAt: generatedAt)
    }

    /// What a reader needs first, and all a signal's two seconds may allow on a loaded machine:
    /// `summary.json` and `summary.md`.
    public func writeSummary(_ summary: SoakSummary, to directory: String) throws {
        try Data(Self.json(summary).utf8).write(to: URL(fileURLWithPath: "\(directory)/summary.json"), options: .atomic)
        try SoakSummaryMarkdown.render(summary).write(toFile: "\(directory)/summary.md", atomically: true, encoding: .utf8)
    }

    /// The rest, slower to render: `index.html` and the merged histograms.
    public func writeDetails(_ summary: SoakSummary, to directory: String, generatedAt: String) throws {
        let html = SoakHTMLReport.render(summary, reportRoot: root, directory: directory, generatedAt: generatedAt)
        try html.write(toFile: "\(directory)/index.html", atomically: true, encoding: .utf8)
        for tally in summary.scenarios {
            let hgrm = tally.latencyHgrm
            if !hgrm.isEmpty {
                try hgrm.write(toFile: "\(directory)/latency-\(tally.name).hgrm", atomically: true, encoding: .utf8)
            }
        }
    }

    public static func json(_ summary: SoakSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }
}
