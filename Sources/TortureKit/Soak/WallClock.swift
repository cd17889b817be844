/// The wall-clock stamps written into reports. The engine reads only its `TortureClock`; the
/// CLI passes the real date in through this, and tests pass a fixed one.
public protocol WallClock: Sendable {
    func stamp() -> WallClockStamp
}

public struct WallClockStamp: Sendable, Codable, Equatable {
    /// ISO 8601 with fractions, for reading.
    public var iso8601: String
    /// `yyyymmdd-hhmmss` in UTC, for folder names.
    public var folder: String

    public init(iso8601: String, folder: String) {
        self.iso8601 = iso8601
        self.folder = folder
    }
}
