import Foundation

/// When the workload's messages are published, on the run's clock (virtual in simulation): all
/// at the start, as before there was a choice, or spread over time as real queues see them (k6's
/// constant- and ramping-arrival-rate executors, Jepsen's `--rate`). Races that need a quiet
/// moment — a wakeup, an idle timeout, a TTL that runs out between arrivals — hide behind a
/// backlog that is all there at time zero.
///
/// Messages arrive in the schedule's order, one slot each (a message's concurrent copies together,
/// its late copies in the slots they land in); the process says when slot k arrives.
public enum ArrivalProcess: Sendable, Equatable, SpelledAsText {
    /// Every message at time zero.
    case allAtOnce
    /// One every 1/N seconds.
    case rate(perSecond: Double)
    /// Exponential gaps with mean 1/N seconds, drawn from the seed.
    case poisson(perSecond: Double)
    /// `size` at once, then the next `size` `everyMillis` later.
    case bursts(size: Int, everyMillis: Int)
    /// The rate moves linearly from `fromPerSecond` (the first message) to `toPerSecond` (the last).
    case ramp(fromPerSecond: Double, toPerSecond: Double)

    /// The command line's spelling: `all-at-once`, `rate:50`, `poisson:50`, `bursts:50/2000`, `ramp:10-200`.
    public var description: String {
        switch self {
        case .allAtOnce: "all-at-once"
        case .rate(let perSecond): "rate:\(Formatting.plainNumber(perSecond))"
        case .poisson(let perSecond): "poisson:\(Formatting.plainNumber(perSecond))"
        case .bursts(let size, let everyMillis): "bursts:\(size)/\(everyMillis)"
        case .ramp(let from, let to): "ramp:\(Formatting.plainNumber(from))-\(Formatting.plainNumber(to))"
        }
    }

    /// Words for a report: `50 a second`, `Poisson, 50 a second`, `bursts of 50 every 2000 ms`.
    public var words: String {
        switch self {
        case .allAtOnce: "all at once"
        case .rate(let perSecond): "\(Formatting.plainNumber(perSecond)) a second"
        case .poisson(let perSecond): "Poisson, \(Formatting.plainNumber(perSecond)) a second"
        case .bursts(let size, let everyMillis): "bursts of \(size) every \(everyMillis) ms"
        case .ramp(let from, let to): "ramping \(Formatting.plainNumber(from)) → \(Formatting.plainNumber(to)) a second"
        }
    }

    /// Rates above this would arrive faster than a nanosecond clock can tell apart.
    public static let rateRange: ClosedRange<Double> = 0.001...1_000_000

    /// Reads the command line's spelling; the error says what was expected.
    public init(parsing text: String) throws(ArrivalProcessError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let expected = "all-at-once, rate:N, poisson:N, bursts:SIZE/MILLIS or ramp:FROM-TO (N, FROM, TO a second)"
        func rate(_ word: String) throws(ArrivalProcessError) -> Double {
            guard let value = Double(word), Self.rateRange.contains(value) else {
                throw ArrivalProcessError(description: "`\(word)` in `\(text)` is not a rate between 0.001 and 1000000 a second; expected \(expected)")
            }
            return value
        }
        switch (parts.first, parts.count) {
        case ("all-at-once", 1): self = .allAtOnce
        case ("rate", 2): self = .rate(perSecond: try rate(parts[1]))
        case ("poisson", 2): self = .poisson(perSecond: try rate(parts[1]))
        case ("bursts", 2):
            let numbers = parts[1].split(separator: "/").map { Int($0) }
            guard numbers.count == 2, let size = numbers[0], let every = numbers[1], size >= 1, every >= 1 else {
                throw ArrivalProcessError(description: "`\(text)`: bursts take a size and a gap in milliseconds, both at least 1 (bursts:50/2000)")
            }
            self = .bursts(size: size, everyMillis: every)
        case ("ramp", 2):
            let rates = parts[1].split(separator: "-").map(String.init)
            guard rates.count == 2 else {
                throw ArrivalProcessError(description: "`\(text)`: a ramp takes two rates a second (ramp:10-200)")
            }
            self = .ramp(fromPerSecond: try rate(rates[0]), toPerSecond: try rate(rates[1]))
        default:
            throw ArrivalProcessError(description: "`\(text)` is not an arrival process; expected \(expected)")
        }
    }

    /// The arrival times of `slots` slots, slot by slot, from the run's start.
    public func times(slots: Int, seed: Seed) -> ArrivalTimes {
        ArrivalTimes(process: self, slots: slots, seed: seed)
    }

    /// When the last of `slots` slots arrives, in milliseconds: what the run's deadline adds.
    public func spanMillis(slots: Int, seed: Seed) -> Int {
        guard self != .allAtOnce, slots > 0 else { return 0 }
        var times = times(slots: slots, seed: seed)
        var last: UInt64 = 0
        for _ in 0..<slots { last = times.next() }
        return Int(last / 1_000_000)
    }
}

/// Slot k's arrival, in nanoseconds from the run's start, for k = 0, 1, …: a pure function of the
/// process, the slot count and the seed.
public struct ArrivalTimes: Sendable {
    private let process: ArrivalProcess
    private let slots: Int
    private var generator: SeededGenerator
    private var slot = 0
    private var nanos: Double = 0

    init(process: ArrivalProcess, slots: Int, seed: Seed) {
        self.process = process
        self.slots = slots
        generator = SeededGenerator(seed: Mix.combine(seed.value, 0xA771_7A15))
    }

    /// The next slot's arrival; slots past the last arrive with it.
    public mutating func next() -> UInt64 {
        defer { slot += 1 }
        switch process {
        case .allAtOnce:
            return 0
        case .rate(let perSecond):
            return UInt64(Double(slot) * 1e9 / perSecond)
        case .bursts(let size, let everyMillis):
            return UInt64(slot / size) * UInt64(everyMillis) * 1_000_000
        case .poisson(let perSecond):
            guard slot > 0 else { return 0 }
            // Exponential gap: −ln(U)/λ, U in (0, 1].
            let unit = (Double(generator.next() >> 11) + 1) / Double(1 << 53)
            nanos += -log(unit) / perSecond * 1e9
            return UInt64(nanos)
        case .ramp(let from, let to):
            guard slot > 0 else { return 0 }
            let previous = min(slot - 1, max(0, slots - 1))
            let fraction = slots > 1 ? Double(previous) / Double(slots - 1) : 0
            nanos += 1e9 / (from + (to - from) * fraction)
            return UInt64(nanos)
        }
    }
}

/// An arrival process the command line could not read.
public struct ArrivalProcessError: Error, CustomStringConvertible {
    public var description: String
}
