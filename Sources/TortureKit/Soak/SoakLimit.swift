/// When a soak stops on its own: after a wall of time, or after a number of runs.
public enum SoakLimit: Sendable, Codable, Equatable, CustomStringConvertible {
    case durationNanos(UInt64)
    /// Runs, not seeds: one run is one scenario with one seed.
    case runs(Int)

    /// `90s`, `30m`, `2h`, or plain seconds; nil for anything else.
    public static func parseDuration(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000)]
        for (suffix, nanos) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if suffix == "s", number.hasSuffix("m") { continue }
            guard let value = UInt64(number), value > 0 else { return nil }
            return value.multipliedReportingOverflow(by: nanos).overflow ? nil : value * nanos
        }
        guard let seconds = UInt64(text), seconds > 0 else { return nil }
        return seconds * 1_000_000_000
    }

    public var description: String {
        switch self {
        case .durationNanos(let nanos): Formatting.duration(micros: Double(nanos) / 1_000)
        case .runs(let count): "\(count) runs"
        }
    }
}

extension SoakLimit {
    private enum CodingKeys: String, CodingKey {
        case durationNanos, runs
    }

    /// `{"runs": 40}` or `{"durationNanos": 1800000000000}` in `summary.json`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let runs = try container.decodeIfPresent(Int.self, forKey: .runs) {
            self = .runs(runs)
        } else {
            self = .durationNanos(try container.decode(UInt64.self, forKey: .durationNanos))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .durationNanos(let nanos): try container.encode(nanos, forKey: .durationNanos)
        case .runs(let count): try container.encode(count, forKey: .runs)
        }
    }
}
