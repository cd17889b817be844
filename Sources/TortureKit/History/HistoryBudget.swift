import Foundation

/// How much memory a run's history may hold before processors' logs go to disk, and where they
/// go. Each processor gets an equal share, so deciding to spill takes no lock.
public struct HistoryBudget: Sendable, Equatable {
    public var memoryBytes: Int
    public var spillDirectory: String

    /// A few hundred megabytes: a million-message run spills, a catalogue run never does.
    public static let defaultMemoryBytes = 256 << 20
    /// A processor's share never drops below this, so a log writes in chunks worth a system call.
    public static let minimumShareBytes = 4 << 10

    public init(memoryBytes: Int = HistoryBudget.defaultMemoryBytes, spillDirectory: String? = nil) {
        precondition(memoryBytes > 0, "a history budget is positive")
        self.memoryBytes = memoryBytes
        let directory = spillDirectory ?? NSTemporaryDirectory()
        self.spillDirectory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    func shareBytes(logs: Int) -> Int {
        max(Self.minimumShareBytes, memoryBytes / max(1, logs))
    }
}
