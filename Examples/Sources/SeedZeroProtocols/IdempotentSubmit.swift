import TortureKit

/// Seed 000's Lambda processor, ported to Swift: look the message up in `submissions`, and insert
/// a submission when it is not there. `guarded` adds what makes it safe — a UNIQUE `message_id`
/// and an insert that does nothing on a conflict — and without it this is the planted bug: two
/// concurrent deliveries both miss the lookup and both insert.
public struct IdempotentSubmit: DeliveryHandler {
    public let guarded: Bool
    public let steps = [HandlerStep("check", role: .read), HandlerStep("submit", role: .submit)]
    public var isolation: IsolationLevel? { nil }

    private let check: SQLTemplate
    private let submit: SQLTemplate

    public init(guarded: Bool) {
        self.guarded = guarded
        // The parameters are fixed names TortureKit binds: these templates always parse.
        check = try! SQLTemplate("SELECT id FROM submissions WHERE message_id = :message")
        submit = try! SQLTemplate(guarded
            ? "INSERT INTO submissions (message_id, worker) VALUES (:message, :worker) ON CONFLICT (message_id) DO NOTHING"
            : "INSERT INTO submissions (message_id, worker) VALUES (:message, :worker)")
    }

    public func handle(_ delivery: DeliveryContext) async throws -> DeliveryDecision {
        let seen = try await delivery.run("check", check, holdsWhen: .rowReturned)
        if seen.held { return .skip }
        let inserted = try await delivery.run("submit", submit, holdsWhen: .rowsAffected)
        // A conflict means a concurrent delivery submitted first: a duplicate, detected.
        return inserted.held ? .done : .skip
    }
}

/// Every published message has a submission: a checker written against TortureKit's public API.
public struct EveryMessageSubmitted: Checker {
    public let invariant = "every-message-submitted"

    public init() {}

    public func check(_ input: CheckInput) throws(StoreError) -> Verdict {
        let missing = try SQLTemplate.unchecked(
            "SELECT message_id FROM inbox WHERE message_id NOT IN (SELECT message_id FROM submissions) ORDER BY message_id")
        let rows = try input.store.execute(missing, .forChecks).rows
        return Verdict(invariant: invariant, witnesses: rows.map { row in
            Witness(message: row.first?.description, workers: [], events: [], text: "\(row.first?.description ?? "?") was never submitted")
        })
    }
}

extension SQLTemplate {
    /// A template with no parameters, which cannot fail to parse.
    static func unchecked(_ sql: String) throws(StoreError) -> SQLTemplate {
        do {
            return try SQLTemplate(sql)
        } catch {
            throw .other("\(sql): \(error)")
        }
    }
}

/// The scenario around the handler: one table of messages, one of submissions, duplicates
/// delivered at once and delays that widen the window between the check and the insert.
public enum SeedZeroScenarios {
    public static func idempotentSubmit(guarded: Bool) throws -> Scenario {
        let unique = guarded ? " UNIQUE" : ""
        let schema = """
            CREATE TABLE inbox (message_id TEXT PRIMARY KEY);
            CREATE TABLE submissions (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL\(unique), worker TEXT NOT NULL);
            """
        var faults = FaultProfile()
        faults[.delay, .afterRead] = FaultRule(probability: 0.3, minMillis: 1, maxMillis: 3)
        return Scenario(
            name: guarded ? "swift-idempotent-submit" : "swift-idempotent-submit-naive",
            summary: "seed 000's check-then-insert, written in Swift" + (guarded ? "" : " without its UNIQUE constraint"),
            seedSystem: "000",
            workload: Workload(messages: 200, deliveriesPerMessage: 3, concurrentDeliveries: 3),
            faults: faults,
            tables: ScenarioTables(
                schema: [.sqlite: schema],
                publish: [.sqlite: try SQLTemplate("INSERT INTO inbox (message_id) VALUES (:message)")]),
            handler: IdempotentSubmit(guarded: guarded),
            invariants: [.noDuplicateSubmissions(table: "submissions", key: "message_id")],
            checkers: [EveryMessageSubmitted(), SubmitAfterCheck()]
        )
    }
}
