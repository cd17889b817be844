/// The line `torture list` shows for a scenario: its `summary:`, else its description's first
/// sentence, on one line.
enum ScenarioSummary {
    /// A summary is one line of a listing.
    static let lengthLimit = 120

    static func read(_ reader: YAMLReader?, description: String) throws(ScenarioError) -> String {
        guard let reader else { return firstSentence(of: description) }
        let summary = try reader.string()
        guard !summary.contains("\n") else { throw reader.error("`summary` is one line; the description holds the rest") }
        guard summary.count <= lengthLimit else {
            throw reader.error("`summary` has \(summary.count) characters; at most \(lengthLimit), one line of `torture list`")
        }
        return summary
    }

    /// Up to the first full stop that ends a sentence (followed by a space or the end), with line
    /// breaks folded into spaces.
    static func firstSentence(of text: String) -> String {
        let folded = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let stop = folded.firstRange(of: ". ") else { return folded.hasSuffix(".") ? String(folded.dropLast()) : folded }
        return String(folded[..<stop.lowerBound])
    }
}
