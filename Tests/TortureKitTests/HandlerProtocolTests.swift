import Foundation
import Testing
@testable import TortureKit

/// The pieces of the handler protocol that need no child: JSON both ways, the messages, the
/// placeholders, the run's connection URL, and what a scenario file may say under `handler:`.
@Suite struct HandlerProtocolTests {
    @Test func jsonReadsWhatItWritesAndKeepsKeyOrder() throws {
        let value = JSONValue.object([
            ("z", .integer(-3)), ("a", .string("tab\there \"quoted\" \\ é \u{1}")), ("n", .null),
            ("list", .array([.bool(true), .number(1.5), .object([])])),
        ])
        let text = value.encoded
        #expect(!text.contains("\n"))
        #expect(text.hasPrefix("{\"z\":-3,\"a\":"), "keys in the order given: \(text)")
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func jsonReadsEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\n\/""#) == .string("é😀\n/"))
        #expect(try JSONParser.parse(" [1, 2.0e1, -0.5] ") == .array([.integer(1), .number(20), .number(-0.5)]))
    }

    @Test(arguments: ["{", "{\"a\":1,}", "[1 2]", "hello", "\"open", "{\"a\":1} x", "01x", "\"\\q\"", "{\"a\" 1}", "\"\\ud800\""])
    func jsonRefusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func jsonRefusesNestingPastItsLimit() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) }
    }

    @Test func aChildsLinesAreReadIntoMessagesOrRefusedWithTheLine() throws {
        guard case .success(.result(.fail(let reason))) = HandlerProtocol.read(#"{"type":"result","id":4,"outcome":"fail","reason":"boom"}"#, id: 4) else {
            Issue.record("a fail result"); return
        }
        #expect(reason.contains("boom"))
        guard case .success(.point(.afterClaim)) = HandlerProtocol.read(#"{"type":"point","id":4,"name":"after-claim"}"#, id: 4) else {
            Issue.record("a point"); return
        }
        guard case .success(.step("insert", .submit, .ok, 1, let values?, nil)) = HandlerProtocol.read(
            #"{"type":"step","id":4,"name":"insert","role":"submit","status":"ok","rows":1,"values":{"id":"7"}}"#, id: 4) else {
            Issue.record("a step"); return
        }
        #expect(values["id"] == .text("7"))
        let refusals: [(String, String)] = [
            (#"{"type":"result","id":3,"outcome":"done"}"#, "about delivery 3, but delivery 4 is the open one"),
            (#"{"type":"point","id":4,"name":"before-ack"}"#, "needs a `name` among"),
            (#"{"type":"point","id":4,"name":"nowhere"}"#, "needs a `name` among"),
            (#"{"type":"hello","id":4}"#, "unknown message type `hello`"),
            (#"{"type":"result","id":4,"outcome":"maybe"}"#, "needs `outcome` done, skip or fail"),
            (#"{"type":"step","id":4,"name":"x","status":"ok","role":"delete"}"#, "role `delete`"),
            (#"{"id":4}"#, "without a `type`"),
            ("not json at all", "non-JSON"),
        ]
        for (line, words) in refusals {
            guard case .failure(let problem) = HandlerProtocol.read(line, id: 4) else {
                Issue.record("\(line) was read"); continue
            }
            #expect(problem.description.contains(words), "\(problem)")
        }
    }

    @Test func initAnswersOfAnotherVersionOrKindAreRefused() {
        #expect((try? HandlerProtocol.readInitAnswer(#"{"type":"init_ok","protocol":1}"#).get()) != nil)
        for (line, words) in [(#"{"type":"init_ok","protocol":99}"#, "speaks protocol 99; torture speaks 1"),
                              (#"{"type":"init_ok"}"#, "names no protocol version"),
                              (#"{"type":"error","text":"no database"}"#, "refused `init`: no database"),
                              ("ok", "non-JSON")] {
            guard case .failure(let problem) = HandlerProtocol.readInitAnswer(line) else { Issue.record("\(line) accepted"); continue }
            #expect(problem.description.contains(words), "\(problem)")
        }
    }

    @Test func placeholdersBecomeTheRunsFactsAndUnknownOnesAreRefused() throws {
        let facts = HandlerRunFacts(scenario: "s", dialect: .sqlite, database: "/tmp/run.sqlite", seed: Seed(7))
        let template = try EnvironmentTemplate("db=${torture.database};w=${torture.worker};d=${torture.dialect};s=${torture.seed};h=${env.HOME_X}")
        #expect(template.rendered(facts, worker: "w-03", database: facts.database, environment: ["HOME_X": "/h"]) == "db=/tmp/run.sqlite;w=w-03;d=sqlite;s=\(Seed(7));h=/h")
        #expect(template.namesDatabase)
        #expect(throws: EnvironmentTemplate.Failure.self) { try EnvironmentTemplate("${torture.databse}") }
        #expect(throws: EnvironmentTemplate.Failure.self) { try EnvironmentTemplate("${torture.database") }
        let failure = try #require(Result { () throws(EnvironmentTemplate.Failure) in try EnvironmentTemplate("${torture.databse}") }.failure)
        #expect(failure.description.contains("did you mean `${torture.database}`"), "\(failure)")
    }

    @Test func thePostgresURLForAChildLandsInTheRunsSchemaAsItsRole() throws {
        let url = try PostgresURL(parsing: "postgresql://alice:s%40cret@127.0.0.1:5433/app?sslmode=disable")
        let store = PostgresStore(url: url, schema: try #require(RunSchemaName(validating: "torture_x_1")))
        store.role.made("torture_x_1")
        let text = HandlerDatabase.url(store.keywords(asRunRole: true))
        #expect(text.hasPrefix("postgresql://alice:s%40cret@127.0.0.1:5433/app?"), "\(text)")
        #expect(text.contains("options=-c%20search_path%3Dtorture_x_1"), "\(text)")
        #expect(text.contains("-c%20role%3Dtorture_x_1"), "\(text)")
        #expect(text.contains("application_name=torture_x_1"), "\(text)")
        #expect(text.contains("sslmode=disable"), "\(text)")
    }

    @Test func aBodyRendersItsParametersAsTypedValues() throws {
        let template = BodyTemplate(.object([("id", .string(":message")), ("n", .string(":message_number")), ("note", .string("a :message"))]))
        let parameters = StatementParameters(message: "m-00042", worker: "w-00", attempt: 2, seed: Seed(1))
        #expect(template.rendered(parameters) == .object([("id", .string("m-00042")), ("n", .integer(42)), ("note", .string("a :message"))]))
        #expect(BodyTemplate(.array([.string(":mesage")])).unknownParameters == ["mesage"])
    }

    @Test func anSNSEventCarriesTheBodyAsAStringAndTheMessageIdAsAnAttribute() throws {
        let body = JSONValue.object([("message_id", .string("m-00001"))])
        let event = HandlerEvent.make(.sns, body: body, delivery: Delivery(message: 1, copy: 2, attempt: 3), messageName: "m-00001", lease: 9)
        let record = try #require({ if case .array(let records) = event["Records"] { return records.first } else { return nil } }())
        #expect(record["Sns"]?["Message"]?.string.map { try? JSONParser.parse($0) } == body)
        #expect(record["Sns"]?["MessageAttributes"]?["message_id"]?["Value"]?.string == "m-00001")
        let sqs = HandlerEvent.make(.sqs, body: body, delivery: Delivery(message: 1, copy: 2, attempt: 3), messageName: "m-00001", lease: 9)
        let sqsRecord = try #require({ if case .array(let records) = sqs["Records"] { return records.first } else { return nil } }())
        #expect(sqsRecord["attributes"]?["ApproximateReceiveCount"]?.string == "3")
        #expect(HandlerEvent.make(.raw, body: body, delivery: Delivery(message: 1, attempt: 1), messageName: "m-00001", lease: 1) == body)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// What a scenario file may say under `handler:`, and the errors that name file and line.
@Suite struct HandlerScenarioFileTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios/handlers").path

    static func text(handler: String, steps: String = "") -> String {
        """
        name: h
        description: a handler file
        workload: { messages: 2, deliveries-per-message: 1, concurrent-deliveries: 1 }
        handler:
        \(handler)
        protocol:
          schema: CREATE TABLE t (id TEXT)
        \(steps)
        invariants:
          - every-failure-in-dlq
        """
    }

    func loadError(_ text: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(text, file: "\(Self.folder)/h.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aHandlerFileLoadsWithItsCommandResolvedAgainstItsFolder() throws {
        let scenario = try ScenarioLoader.parse(Self.text(handler: """
              command: [python3, ../../handlers/probe.py, hang]
              event: sqs
              timeout-millis: 1500
              environment: { DATABASE_URL: "${torture.database}", MODE: plain }
              body: { id: ":message", amount: 12.5, valid: true, tags: [a, "1"] }
              poison: { every: 10, body: { id: ":message", valid: false } }
              steps: [{ name: insert, role: submit }]
            """), file: "\(Self.folder)/h.yaml")
        let handler = try #require(scenario.handler as? ProcessHandler)
        #expect(handler.workingDirectory == Self.folder)
        #expect(handler.event == .sqs && handler.timeoutMillis == 1_500 && handler.steps == [HandlerStep("insert", role: .submit)])
        #expect(handler.environment.map(\.name) == ["DATABASE_URL", "MODE"])
        #expect(handler.body.value["amount"] == .number(12.5) && handler.body.value["valid"] == .bool(true))
        #expect(handler.body.value["tags"] == .array([.string("a"), .string("1")]))
        #expect(handler.body(for: 20).value["valid"] == .bool(false) && handler.body(for: 21).value["valid"] == .bool(true))
        #expect(handler.commitsItself && handler.isolation == nil)
    }

    @Test func stepsAndAHandlerAreExclusive() throws {
        let failure = try #require(loadError(Self.text(handler: "  command: [python3]", steps: """
              steps:
                - { name: a, role: write, sql: "INSERT INTO t VALUES (:message)", success: rows-affected }
            """)))
        #expect(failure.message.contains("`protocol.steps` and `handler` are exclusive"), "\(failure)")
        #expect(failure.line == 9, "\(failure)")
    }

    @Test func aProgramThatCannotRunIsNamedWithItsResolvedPath() throws {
        let failure = try #require(loadError(Self.text(handler: "  command: [./no-such-handler.sh]")))
        #expect(failure.message.contains("no executable \(Self.folder)/no-such-handler.sh"), "\(failure)")
        #expect(failure.line == 5, "\(failure)")
        let onPath = try #require(loadError(Self.text(handler: "  command: [no-such-program-anywhere]")))
        #expect(onPath.message.contains("`no-such-program-anywhere` on PATH"), "\(onPath)")
    }

    @Test func anUnknownPlaceholderOrBodyParameterIsNamedWithItsLine() throws {
        let placeholder = try #require(loadError(Self.text(handler: """
              command: [python3]
              environment: { DATABASE_URL: "${torture.db}" }
            """)))
        #expect(placeholder.message.contains("unknown placeholder `${torture.db}`"), "\(placeholder)")
        #expect(placeholder.line == 6, "\(placeholder)")
        let parameter = try #require(loadError(Self.text(handler: """
              command: [python3]
              body: { id: ":mesage" }
            """)))
        #expect(parameter.message.contains("unknown parameter `:mesage`") && parameter.message.contains("did you mean `:message`"), "\(parameter)")
    }

    @Test func withNeitherStepsNorAHandlerTheFileSaysWhatIsMissing() throws {
        let text = Self.text(handler: "  command: [python3]").replacingOccurrences(of: "handler:\n  command: [python3]\n", with: "")
        let failure = try #require(loadError(text))
        #expect(failure.message.contains("missing required key `steps`") && failure.message.contains("handler:"), "\(failure)")
    }

    @Test func aStatementStepNeedsARegularExpressionAndJudgesByTheTag() throws {
        let bad = try #require(loadError(Self.text(handler: """
              command: [python3]
              steps: [{ name: claim, role: claim, matches: "^UPDATE (jobs" }]
            """)))
        #expect(bad.message.contains("`matches` is a regular expression"), "\(bad)")
        let stray = try #require(loadError(Self.text(handler: """
              command: [python3]
              steps: [{ name: claim, role: claim, success: no-row }]
            """)))
        #expect(stray.message.contains("`success` judges a step named by `matches`"), "\(stray)")
        let step = StatementStep(name: "claim", role: .claim, pattern: "^UPDATE jobs")
        #expect(step.holds(tag: "UPDATE 1", rows: 1) && !step.holds(tag: "UPDATE 0", rows: 0) && !step.holds(tag: "SELECT 1", rows: 1))
        let check = StatementStep(name: "check", role: .read, pattern: "^SELECT", success: .noRow)
        #expect(check.holds(tag: "SELECT 0", rows: 0) && !check.holds(tag: "SELECT 2", rows: 2))
    }
}
