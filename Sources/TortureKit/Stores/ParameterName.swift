/// A name a statement may use as `:name`: always bound, never spliced. The built-in names are the
/// delivery's (and an actor's) identity and time; `:step.column` is a value an earlier step of the
/// same delivery returned.
public enum ParameterName: Hashable, Sendable, CustomStringConvertible {
    /// `m-00417`
    case message
    /// 417: the message's number, so SQL need not parse `m-00417`.
    case messageNumber
    /// `w-12`, or an actor's instance (`sweeper-1`).
    case worker
    /// The receive number of this copy, from 1.
    case attempt
    case copy
    case subscriber
    /// The broker's lease token: unique and increasing over a run, a fencing token.
    case lease
    case seed
    /// Milliseconds of the injected clock since the run's processors started.
    case now
    /// An actor's run number, from 1.
    case tick
    /// A column an earlier step returned.
    case stepValue(StepColumn)

    /// Every built-in name, in the order messages list them.
    public static let builtIn: [ParameterName] = [
        .message, .messageNumber, .worker, .attempt, .copy, .subscriber, .lease, .seed, .now, .tick,
    ]

    /// The built-in name spelled `text`, or nil.
    public init?(builtIn text: String) {
        guard let name = Self.builtIn.first(where: { $0.spelling == text }) else { return nil }
        self = name
    }

    /// How a statement writes it, without the colon.
    public var spelling: String {
        switch self {
        case .message: "message"
        case .messageNumber: "message_number"
        case .worker: "worker"
        case .attempt: "attempt"
        case .copy: "copy"
        case .subscriber: "subscriber"
        case .lease: "lease"
        case .seed: "seed"
        case .now: "now"
        case .tick: "tick"
        case .stepValue(let column): column.description
        }
    }

    public var description: String { ":" + spelling }

    public var stepColumn: StepColumn? {
        if case .stepValue(let column) = self { return column }
        return nil
    }
}

/// `read.value`: the column `value` of the first row step `read` returned. Stores fold unquoted
/// names differently (PostgreSQL lowers them, SQLite keeps them), so columns compare lowercased.
public struct StepColumn: Hashable, Sendable, Codable, CustomStringConvertible {
    public let step: String
    public let column: String

    public init(step: String, column: String) {
        self.step = step
        self.column = column.lowercased()
    }

    public var description: String { "\(step).\(column)" }
}
