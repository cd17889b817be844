/// The schema a PostgreSQL run works in: `torture_<yyyymmddhhmmss>_<seed>_<pid>`. Lower-case
/// letters, digits and `_` only, so it is spliced into SQL safely (identifiers cannot be bound),
/// and well under PostgreSQL's 63-byte limit.
public struct RunSchemaName: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public static let prefix = "torture_"

    /// `stamp` is the run's start as `yyyymmdd-hhmmss`; the process id keeps two runs started in
    /// the same second with the same seed apart.
    /// A command that runs more than once (a replay's attempts, a shrink) numbers its runs after
    /// the first: `…_<pid>_r2`.
    public init(stamp: String, seed: Seed, processID: Int32, run: Int = 1) {
        let digits = stamp.filter { $0.isASCII && $0.isNumber }
        text = "\(Self.prefix)\(digits)_\(String(seed.value, radix: 16))_\(processID)" + (run > 1 ? "_r\(run)" : "")
    }

    /// The `run`-th run of a soak: one process runs many, two of them possibly on one seed.
    public init(soakRun run: Int, seed: Seed, processID: Int32) {
        text = "\(Self.prefix)soak\(run)_\(String(seed.value, radix: 16))_\(processID)"
    }

    /// Accepts only names this type could have made.
    public init?(validating text: String) {
        guard text.hasPrefix(Self.prefix), text.utf8.count <= 63,
              text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else { return nil }
        self.text = text
    }

    public var description: String { text }

    /// Double-quoted for SQL; the character check above is what makes that safe.
    var quoted: String { "\"\(text)\"" }
}
