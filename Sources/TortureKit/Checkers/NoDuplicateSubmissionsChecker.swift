/// The store holds at most one submission per message: counted in the final table, with the
/// workers whose submit step succeeded for that message taken from the history — in a pass of
/// its own, only when the store holds a duplicate, keeping only those messages' submits.
public struct NoDuplicateSubmissionsChecker: Checker {
    public let invariant = "no-duplicate-submissions"
    public let table: String
    public let key: String

    public init(table: String, key: String) {
        self.table = table
        self.key = key
    }

    /// Identifiers were validated as plain names by the scenario loader: safe to splice.
    var query: SQLTemplate {
        try! SQLTemplate("SELECT \(key), COUNT(*) FROM \(table) GROUP BY \(key) HAVING COUNT(*) > 1 ORDER BY \(key)")
    }

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let rows = try input.store.execute(query, .forChecks).rows
        // Only the rows a report shows are told with their submitters.
        let duplicated = Set(rows.prefix(Verdict.witnessLimit).compactMap { $0.first.flatMap { Names.messageIndex($0.description) } })
        var submitters: [Int: [HistoryEvent]] = [:]
        var lostAcks: [Int: [HistoryEvent]] = [:]
        if !duplicated.isEmpty {
            for event in input.history.deliveryEvents where duplicated.contains(event.message) {
                if event.kind == .ok && event.role == .submit {
                    submitters[event.message, default: []].append(event)
                } else if case .fault(.lostCommitAck, _) = event.fact {
                    lostAcks[event.message, default: []].append(event)
                }
            }
        }
        var witnesses = WitnessList()
        for row in rows {
            witnesses.append(Self.witness(row, submitters: submitters, lostAcks: lostAcks))
        }
        return Verdict(invariant: invariant, witnesses: witnesses)
    }

    /// In first-seen order, each once: a retry's own commit may lose its acknowledgement too.
    private static func distinct(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }

    private static func witness(_ row: [SQLValue], submitters: [Int: [HistoryEvent]], lostAcks: [Int: [HistoryEvent]]) -> Witness {
        let keyText = row.first?.description ?? "NULL"
        let count = row.count > 1 ? row[1].description : "?"
        let message = Names.messageIndex(keyText)
        let submits = message.flatMap { submitters[$0] } ?? []
        let lost = message.flatMap { lostAcks[$0] } ?? []
        let workers = submits.map { Names.worker($0.worker) }
        let by = workers.isEmpty ? "" : " (by \(WorkerList.words(workers)))"
        // The indeterminate commit: the work landed, the handler was told its connection died.
        let after = lost.isEmpty ? "" : ", after a lost commit acknowledgement ("
            + Self.distinct(lost.map { "\(Names.worker($0.worker)) \($0.delivery.label)" }).joined(separator: ", ") + ")"
        return Witness(message: keyText, workers: workers, events: (submits + lost).map(\.index).sorted(),
                       text: "message \(keyText) submitted \(count) times\(by)\(after)")
    }
}

extension StatementParameters {
    /// Checker queries take no parameters; these values are never bound.
    public static let forChecks = StatementParameters(message: "", worker: "", attempt: 0, seed: Seed(0))
}
