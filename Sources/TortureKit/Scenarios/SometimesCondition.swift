/// Something a scenario says must happen at least once — Antithesis's `sometimes(condition)`: a
/// lease that expired and was taken over, a row in the DLQ table. Not an invariant: a run that
/// never reaches it still holds; a soak lists the conditions no run reached, and fails on them
/// when told to (`torture soak --require-coverage`).
public struct SometimesCondition: Sendable, Equatable {
    public var name: String
    public var check: Check

    public enum Check: Sendable, Equatable {
        /// Reached when the query returns at least one row on the final store.
        case sql([Dialect: SQLTemplate])
        /// Reached when the run's history shows it.
        case history(HistoryPredicate)
    }

    public init(name: String, check: Check) {
        self.name = name
        self.check = check
    }

    /// `sql` or `history: dead-lettered`: the condition in the file's words, for reports.
    public var words: String {
        switch check {
        case .sql: "sql"
        case .history(let predicate): "history: \(predicate.rawValue)"
        }
    }
}

/// The built-in conditions on a run's history a `sometimes:` may name: kept few, each one a fact
/// the history states without doubt.
public enum HistoryPredicate: String, Sendable, CaseIterable {
    case redelivered
    case leaseExpired = "lease-expired"
    case leaseExpiredThenTakenOver = "lease-expired-then-taken-over"
    case ackRefused = "ack-refused"
    case deadLettered = "dead-lettered"
    case faultFired = "fault-fired"

    /// What it means, for `scenarios/README.md` and the loader's complaint.
    public var meaning: String {
        switch self {
        case .redelivered: "some entry was received a second time (after a nack, a crash or an expired lease)"
        case .leaseExpired: "some lease ran out before its delivery told the broker anything (a crash, a stall, a hang)"
        case .leaseExpiredThenTakenOver: "some entry was received again while an earlier delivery of it was still in flight"
        case .ackRefused: "some delivery's acknowledgement was refused because its lease had run out: a zombie"
        case .deadLettered: "some entry reached the DLQ"
        case .faultFired: "some fault of the plan fired"
        }
    }
}
