/// `workload.arrival`: `all-at-once`, or a mapping with one of `rate: { per-second: N }`,
/// `poisson: { per-second: N }`, `bursts: { size: N, every-millis: M }`,
/// `ramp: { from-per-second: A, to-per-second: B }`.
enum ArrivalReader {
    static let kinds = ["rate", "poisson", "bursts", "ramp"]

    static func read(_ reader: YAMLReader) throws(ScenarioError) -> ArrivalProcess {
        if reader.isScalar {
            let word = try reader.string()
            guard word == "all-at-once" else {
                throw reader.error("`\(word)` is not an arrival process; expected `all-at-once` or a mapping with one of \(kinds.joined(separator: ", "))")
            }
            return .allAtOnce
        }
        let map = try reader.mapping(allowed: kinds)
        guard map.entries.count == 1, let (kind, _, value) = map.values.first else {
            throw reader.error("`arrival` names one process, got \(map.entries.count): one of \(kinds.joined(separator: ", "))")
        }
        switch kind {
        case "rate":
            return .rate(perSecond: try value.mapping(allowed: ["per-second"]).required("per-second").double(in: ArrivalProcess.rateRange))
        case "poisson":
            return .poisson(perSecond: try value.mapping(allowed: ["per-second"]).required("per-second").double(in: ArrivalProcess.rateRange))
        case "bursts":
            let bursts = try value.mapping(allowed: ["size", "every-millis"])
            return .bursts(size: try bursts.required("size").int(in: 1...10_000_000),
                           everyMillis: try bursts.required("every-millis").int(in: 1...86_400_000))
        default:
            let ramp = try value.mapping(allowed: ["from-per-second", "to-per-second"])
            return .ramp(fromPerSecond: try ramp.required("from-per-second").double(in: ArrivalProcess.rateRange),
                         toPerSecond: try ramp.required("to-per-second").double(in: ArrivalProcess.rateRange))
        }
    }
}
