import Synchronization

/// The PostgreSQL role a run's SQL runs as: made with the run's schema when the connecting user
/// may create roles, owner of that schema and of nothing else, so a scenario's statements can
/// change only what the run made (PUBLIC's rights, such as reading tables granted to everyone,
/// remain). Dropped with the schema. When the user may not create roles, the SQL runs as that
/// user, with all of its rights — `note` says so.
public final class RunRole: Sendable {
    private let name = Mutex<String?>(nil)
    private let note = Mutex<String?>(nil)

    public init() {}

    /// The role's name, once made.
    public var current: String? { name.withLock { $0 } }

    func made(_ role: String) {
        name.withLock { $0 = role }
    }

    /// What a person should know when no role could be made; nil when one was.
    public var cannotNote: String? { note.withLock { $0 } }

    func cannotMake(user: String) {
        note.withLock { $0 = Self.cannotNote(user: user) }
    }

    static func cannotNote(user: String) -> String {
        "\(user) may not create roles (it has neither CREATEROLE nor SUPERUSER), so the scenario's SQL runs as \(user), "
            + "with every right \(user) has: statements that name another schema could read or change it. "
            + "Give the user CREATEROLE to confine each run to a role that owns only its schema"
    }
}
