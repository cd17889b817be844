/// `--shard i/n`: this machine runs every n-th seed of the sequence, starting at the i-th.
public struct SoakShard: Sendable, Codable, Equatable, CustomStringConvertible {
    /// From 1, as people count machines in a CI matrix.
    public let index: Int
    public let count: Int

    /// Enough for any CI matrix; keeps `k * count` far from overflow.
    public static let countLimit = 1_000_000

    public static let whole = SoakShard(uncheckedIndex: 1, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init?(index: Int, count: Int) {
        guard (1...Self.countLimit).contains(count), (1...count).contains(index) else { return nil }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `3/8`; nil for anything else, including `0/8` and `9/8`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }
}
