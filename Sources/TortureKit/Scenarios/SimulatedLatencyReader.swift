/// `simulated-latency:` — how long store calls and receives take in `--scheduler sim|pct`:
///
///     simulated-latency:
///       store-call:
///         - { share: 0.95, min-micros: 10, max-micros: 60 }
///         - { share: 0.05, min-micros: 60, max-micros: 20000 }
///       receive: none
///
/// `simulated-latency: none` makes every call instant (the simulation before the model);
/// without the key a run uses the store's defaults (`SimulatedLatency.defaults(for:)`).
enum SimulatedLatencyReader {
    static func read(_ reader: YAMLReader) throws(ScenarioError) -> SimulatedLatency {
        if reader.isScalar {
            guard try reader.string() == "none" else {
                throw reader.error("expected `none` or a mapping with `store-call` and `receive`, each a list of bands or `none`")
            }
            return .none
        }
        let map = try reader.mapping(allowed: ["store-call", "receive"])
        return SimulatedLatency(storeCall: try bands(try required(map, "store-call", in: reader)),
                                receive: try bands(try required(map, "receive", in: reader)))
    }

    private static func required(_ map: YAMLMapping, _ key: String, in reader: YAMLReader) throws(ScenarioError) -> YAMLReader {
        guard let value = map.optional(key) else {
            throw reader.error("`simulated-latency` needs `\(key)`: a list of bands `{ share, min-micros, max-micros }`, or `none` for no time")
        }
        return value
    }

    private static func bands(_ reader: YAMLReader) throws(ScenarioError) -> [SimulatedLatency.Band] {
        if reader.isScalar {
            guard try reader.string() == "none" else { throw reader.error("expected a list of bands or `none`") }
            return []
        }
        var bands: [SimulatedLatency.Band] = []
        var total = 0.0
        for item in try reader.sequence() {
            let band = try item.mapping(allowed: ["share", "min-micros", "max-micros"])
            let shareReader = try band.required("share")
            let share = try shareReader.double(in: 0...1)
            let low = try band.required("min-micros").double(in: 0...60_000_000)
            let highReader = try band.required("max-micros")
            let high = try highReader.double(in: 0...60_000_000)
            guard low <= high else { throw highReader.error("`max-micros` (\(high)) is below `min-micros` (\(low))") }
            total += share
            guard total <= 1.000_000_1 else {
                throw shareReader.error("the bands' shares add up to \(total); at most 1 (the rest of the calls take no time)")
            }
            bands.append(SimulatedLatency.Band(share: share, minMicros: low, maxMicros: high))
        }
        return bands
    }
}
