/// The part of a store one run works in and owns, when the store is shared with other data
/// (PostgreSQL: a schema of its own). Kept after a violation for a post-mortem.
public struct RunSpace: Sendable, Codable, Equatable {
    /// What it is, in words: `schema torture_… in postgres://…/db`.
    public var description: String
    /// The SQL that removes it.
    public var dropCommand: String
    /// Why it was kept: a violation to look into, or a drop that failed.
    public var keptBecause: String?

    public init(description: String, dropCommand: String, keptBecause: String? = nil) {
        self.description = description
        self.dropCommand = dropCommand
        self.keptBecause = keptBecause
    }
}
