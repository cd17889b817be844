import Foundation
import Testing
@testable import TortureKit

/// `sometimes:` in a scenario file: what it reads, and what it refuses with file:line.
@Suite struct SometimesReaderTests {
    /// Line numbers below refer to this text: `sometimes:` is line 15.
    static func text(_ sometimes: String) -> String {
        """
        name: tiny
        description: one claim per message
        workload: { messages: 4, deliveries-per-message: 1, concurrent-deliveries: 1 }
        protocol:
          schema:
            sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);
            postgres: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT NULL);
          steps:
            - name: claim
              role: claim
              sql: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL
              success: rows-affected
        invariants:
          - exactly-one-claim
        sometimes:
        \(sometimes)
        """
    }

    static func error(_ sometimes: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(text(sometimes), file: "tiny.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsSQLPerDialectAndHistoryPredicates() throws {
        let scenario = try ScenarioLoader.parse(Self.text("""
              - name: taken-over
                history: lease-expired-then-taken-over
              - name: claimed
                sql:
                  default: SELECT id FROM m WHERE by IS NOT NULL
                  postgres: SELECT id FROM m WHERE by IS NOT NULL ORDER BY id
            """), file: "tiny.yaml")
        #expect(scenario.sometimes.map(\.name) == ["taken-over", "claimed"])
        #expect(scenario.sometimes[0].check == .history(.leaseExpiredThenTakenOver))
        guard case .sql(let queries) = scenario.sometimes[1].check else {
            Issue.record("`claimed` is an sql condition")
            return
        }
        #expect(queries[.postgres]?.source.hasSuffix("ORDER BY id") == true && queries[.sqlite]?.source.hasSuffix("IS NOT NULL") == true)
        #expect(scenario.source.location(of: .sometimes("claimed"), .postgres) == "tiny.yaml:21")
    }

    @Test func aScenarioWithoutSometimesHasNone() throws {
        let text = Self.text("").replacingOccurrences(of: "sometimes:\n", with: "")
        #expect(try ScenarioLoader.parse(text, file: "tiny.yaml").sometimes.isEmpty)
    }

    @Test func anUnknownPredicateIsRefusedWithItsLineAndEveryOneAllowed() throws {
        let failure = try #require(Self.error("""
              - name: zombie
                history: lease-expired-then-takenover
            """))
        #expect(failure.description.hasPrefix("tiny.yaml:17:"), "\(failure)")
        #expect(failure.message.contains("did you mean `lease-expired-then-taken-over`?"))
        for predicate in HistoryPredicate.allCases { #expect(failure.message.contains(predicate.rawValue)) }
    }

    @Test func anUnknownKeyIsRefusedWithWhatIsAllowed() throws {
        let failure = try #require(Self.error("""
              - name: zombie
                histroy: ack-refused
            """))
        #expect(failure.line == 17)
        #expect(failure.message.contains("unknown key `histroy`") && failure.message.contains("did you mean `history`"))
        #expect(failure.message.contains("name, sql, history"))
    }

    @Test(arguments: [
        ("  - name: both\n    history: dead-lettered\n    sql: SELECT 1", 16, "has both `sql` and `history`"),
        ("  - name: neither", 16, "needs `sql: QUERY`"),
        ("  - name: twice\n    history: redelivered\n  - name: twice\n    history: dead-lettered", 18, "two `sometimes` conditions are named `twice`"),
        ("  - name: has space\n    history: redelivered", 16, "letters, digits"),
        ("  - history: redelivered", 16, "missing required key `name`"),
        ("  []", 16, "`sometimes` is empty"),
        ("  - name: bound\n    sql: SELECT 1 FROM m WHERE id = :message", 17, "parameter `:message` is not available in a `sometimes` query"),
        ("  - name: two\n    sql: SELECT 1; SELECT 2", 17, "holds 2 statements"),
    ])
    func badInputIsRefusedWithItsLine(sometimes: String, line: Int, words: String) throws {
        let failure = try #require(Self.error(sometimes), "\(sometimes) is refused")
        #expect(failure.file == "tiny.yaml")
        #expect(failure.line == line, "\(failure)")
        #expect(failure.message.contains(words), "\(failure)")
    }

    @Test func everyHistoryPredicateIsDocumentedAsTheLoaderWordsIt() throws {
        let readme = try String(contentsOfFile: Repository.scenarios + "/README.md", encoding: .utf8)
        for predicate in HistoryPredicate.allCases {
            #expect(readme.contains("| `\(predicate.rawValue)` | \(predicate.meaning) |"), "\(predicate.rawValue) in scenarios/README.md")
        }
    }
}
