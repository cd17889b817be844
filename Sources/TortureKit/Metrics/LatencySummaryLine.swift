extension LatencySummary {
    /// `p50 1.2 ms  p90 …  max …`: one line for a terminal or a Markdown summary.
    public var line: String {
        guard count > 0 else { return "no samples" }
        return [
            "p50 \(Formatting.duration(micros: p50Micros))",
            "p90 \(Formatting.duration(micros: p90Micros))",
            "p99 \(Formatting.duration(micros: p99Micros))",
            "p99.9 \(Formatting.duration(micros: p999Micros))",
            "max \(Formatting.duration(micros: maxMicros))",
        ].joined(separator: "  ")
    }
}
