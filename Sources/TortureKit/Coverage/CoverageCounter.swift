/// The names of coverage counters: plain words a person reads and a script greps —
/// `fault:crash@before-ack`, `step:claim held`, `action:skip`, `lease-expired`.
public enum CoverageCounter {
    /// An entry received a second time or later, for whatever reason.
    public static let redelivery = "redelivery"
    /// A receive found the entry's previous lease run out: its delivery crashed, stalled or hung
    /// without telling the broker.
    public static let leaseExpired = "lease-expired"
    /// A receive of an entry while an earlier delivery of it was still in flight (a zombie).
    public static let takeover = "takeover"
    /// A zombie's acknowledgement, refused by the broker.
    public static let ackRefused = "ack-refused"
    /// An entry that reached the DLQ.
    public static let deadLetter = "dead-letter"

    /// Counted in every run, whatever the scenario declares.
    public static let everyRun = [redelivery, leaseExpired, takeover, ackRefused, deadLetter]

    public static let faultPrefix = "fault:"

    /// `fault:crash@before-ack`: a rule's `kind@point`.
    public static func fault(rule: String) -> String { faultPrefix + rule }

    static func fault(_ kind: FaultKind, _ point: InjectionPoint) -> String { fault(rule: "\(kind.rawValue)@\(point.rawValue)") }

    /// `step:claim held`, `step:sweeper/find failed`: a step's condition held or did not.
    static func step(_ name: String, actor: String?, held: Bool) -> String {
        "step:" + scoped(name, actor) + (held ? " held" : " failed")
    }

    /// `action:skip`, `action:goto record-failure`, `action:sweeper/done`: what a step's outcome chose.
    static func action(_ words: String, actor: String?) -> String { "action:" + scoped(words, actor) }

    /// `actor:sweeper run changed rows`: a run of the actor that landed and changed at least one row.
    static func actorChangedRows(_ actor: String) -> String { "actor:\(actor) run changed rows" }

    /// `actor:sweeper published`: a copy the actor put back into the broker.
    static func actorPublished(_ actor: String) -> String { "actor:\(actor) published" }

    private static func scoped(_ name: String, _ actor: String?) -> String {
        actor.map { "\($0)/\(name)" } ?? name
    }
}
