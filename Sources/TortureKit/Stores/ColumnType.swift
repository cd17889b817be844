/// The type a store gives a result column, by the store's own number (PostgreSQL: the type's
/// OID). A step value remembers the type of the column it came from, so a later statement binds
/// it as that type — a NULL included — rather than as text the server must guess a type for.
public struct ColumnType: Hashable, Sendable, CustomStringConvertible {
    public let id: UInt32

    public init(id: UInt32) {
        self.id = id
    }

    public var description: String { "type \(id)" }
}

/// A column a statement returns, as the store describes it before running it.
public struct DescribedColumn: Hashable, Sendable {
    public var name: String
    /// nil when the store does not type its columns (SQLite: a value's type is its own).
    public var type: ColumnType?

    public init(name: String, type: ColumnType? = nil) {
        self.name = name
        self.type = type
    }
}
