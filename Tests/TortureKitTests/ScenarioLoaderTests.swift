import Foundation
import Testing
@testable import TortureKit

@Suite struct ScenarioLoaderTests {
    /// Line numbers below refer to this text: keep it in step with the tests.
    static let valid = """
        name: tiny
        description: a claim on one table
        workload:
          messages: 10
          deliveries-per-message: 3
          concurrent-deliveries: 2
        faults:
          delay:
            after-read: { probability: 0.5, min-millis: 1, max-millis: 3 }
        protocol:
          schema:
            sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);
          publish:
            sqlite: INSERT INTO m (id) VALUES (:message)
          steps:
            - name: claim
              role: claim
              sql:
                sqlite: UPDATE m SET by = :worker WHERE id = :message AND by IS NULL
              success: rows-affected
              on-success: done
              on-failure: skip
        invariants:
          - exactly-one-claim
          - sql:
              name: all-claimed
              query:
                sqlite: SELECT id FROM m WHERE by IS NULL
        """

    func loadError(_ text: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(text, file: "tiny.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAValidScenario() throws {
        let scenario = try ScenarioLoader.parse(Self.valid, file: "tiny.yaml")
        #expect(scenario.name == "tiny")
        #expect(scenario.workload == Workload(messages: 10, deliveriesPerMessage: 3, concurrentDeliveries: 2))
        #expect(scenario.faults[.delay, .afterRead] == FaultRule(probability: 0.5, minMillis: 1, maxMillis: 3))
        #expect(scenario.handler.steps.map(\.name) == ["claim"])
        #expect(try #require(scenario.stepMachine).protocolSteps[0].onFailure == .skip)
        #expect(scenario.invariants.map(\.name) == ["exactly-one-claim", "sql:all-claimed"])
        #expect(scenario.dialects == [.sqlite])
    }

    @Test func aMisspelledKeyNamesFileLineAndTheKeyItMeant() throws {
        let text = Self.valid.replacingOccurrences(of: "deliveries-per-message", with: "deliveries-per-mesage")
        let failure = try #require(loadError(text))
        #expect(failure.file == "tiny.yaml")
        #expect(failure.line == 5)
        #expect(failure.message.contains("unknown key `deliveries-per-mesage`"))
        #expect(failure.message.contains("did you mean `deliveries-per-message`"))
        #expect(failure.description.hasPrefix("tiny.yaml:5:"))
    }

    @Test func aWrongTypeNamesTheLineAndWhatWasExpected() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "messages: 10", with: "messages: ten")))
        #expect(failure.line == 4)
        #expect(failure.message.contains("expected a whole number"))
        #expect(failure.message.contains("workload.messages"))
    }

    @Test func aQuotedNumberIsNotANumber() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "messages: 10", with: "messages: \"10\"")))
        #expect(failure.line == 4)
    }

    @Test func aMissingKeyIsNamed() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "      success: rows-affected\n", with: "")))
        #expect(failure.message.contains("missing required key `success`"))
        #expect(failure.line == 16)
    }

    @Test func aWrongChoiceListsTheChoices() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "on-failure: skip", with: "on-failure: skp")))
        #expect(failure.line == 22)
        #expect(failure.message.contains("expected one of next, done, skip, fail"))
        #expect(failure.message.contains("did you mean `skip`"))
    }

    @Test func anUnknownParameterIsRefused() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "by = :worker", with: "by = :wroker")))
        #expect(failure.line == 19)
        #expect(failure.message.contains("unknown parameter `:wroker`"))
    }

    @Test func publishMayOnlyBindTheMessage() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "VALUES (:message)", with: "VALUES (:worker)")))
        #expect(failure.line == 14)
        #expect(failure.message.contains("`:worker` is not available in `protocol.publish`"))
    }

    @Test func everyStatementNeedsEveryDialectOfTheSchema() throws {
        let text = Self.valid.replacingOccurrences(
            of: "    sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);",
            with: "    sqlite: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT);\n    postgres: CREATE TABLE m (id TEXT PRIMARY KEY, by TEXT NULL);"
        )
        let failure = try #require(loadError(text))
        #expect(failure.message.contains("missing `postgres` SQL"))
    }

    @Test func moreConcurrentThanTotalDeliveriesIsRefused() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "concurrent-deliveries: 2", with: "concurrent-deliveries: 4")))
        #expect(failure.line == 6)
    }

    @Test func exactlyOneClaimNeedsAClaimStep() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "role: claim", with: "role: write")))
        #expect(failure.message.contains("needs a step with `role: claim`"))
    }

    @Test func everySkipBackedNeedsAStepThatCanSkip() throws {
        let backed = Self.valid.replacingOccurrences(of: "  - exactly-one-claim", with: "  - exactly-one-claim\n  - every-skip-backed")
        #expect(try ScenarioLoader.parse(backed, file: "tiny.yaml").invariants.contains(.everySkipBacked))
        let failure = try #require(loadError(backed.replacingOccurrences(of: "on-failure: skip", with: "on-failure: fail")))
        #expect(failure.message.contains("`every-skip-backed` needs a step that can `skip`"))
    }

    @Test func yamlSyntaxErrorsCarryALine() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "  messages: 10", with: "  messages: [10")))
        #expect(failure.line != nil)
        #expect(failure.message.contains("YAML syntax"))
    }

    @Test func aReservedStepNameIsRefused() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "- name: claim", with: "- name: commit")))
        #expect(failure.message.contains("reserved"))
    }

    @Test func unsafeIdentifiersAreRefused() throws {
        let text = Self.valid.replacingOccurrences(
            of: "  - exactly-one-claim\n",
            with: "  - exactly-one-claim\n  - no-duplicate-submissions: { table: \"m; DROP TABLE m\", key: id }\n"
        )
        let failure = try #require(loadError(text))
        #expect(failure.message.contains("plain SQL identifier"))
    }

    static let catalogue = [
        "race-claim", "idempotent-submit", "dlq-redrive", "visibility-timeout", "stale-republish", "dlq-reprocess",
        "fanout", "burst", "rate-limit", "circuit-breaker", "session-join", "counter",
    ]

    @Test(arguments: catalogue)
    func everyBuiltInScenarioValidatesAndItsTwinDiffersOnlyInProtocol(name: String) throws {
        let scenario = try Repository.scenario(name)
        #expect(scenario.name == name)
        #expect(scenario.seedSystem != nil)
        guard name != "burst" else { return }
        let twin = try Repository.scenario(name + "-naive")
        #expect(twin.workload == scenario.workload)
        #expect(twin.faults == scenario.faults, "a twin must face the same faults")
        #expect(twin.delivery == scenario.delivery)
        #expect(twin.invariants.map(\.name) == scenario.invariants.map(\.name), "a twin must be held to the same invariants")
        #expect(twin.actors.map(\.name) == scenario.actors.map(\.name), "a twin faces the same actors")
        let text = try String(contentsOfFile: "\(Repository.scenarios)/\(name)-naive.yaml", encoding: .utf8)
        #expect(text.contains("\nextends: \(name)\n"), "a twin states only what differs from its base")
    }

    @Test func readsEveryFaultKindAndTheDeliveryPolicy() throws {
        let text = Self.valid.replacingOccurrences(of: """
            faults:
              delay:
                after-read: { probability: 0.5, min-millis: 1, max-millis: 3 }
            """, with: """
            delivery:
              preset: sns-lambda
              retry-delay-millis: 5
              subscribers: 2
            faults:
              duplicate: { after-read: { probability: 0.1 } }
              stall: { after-claim: { probability: 0.2, min-millis: 50, max-millis: 90 } }
              crash: { before-commit: { probability: 0.3, min-millis: 1, max-millis: 2 } }
              timeout: { after-commit: { probability: 0.4, min-millis: 3, max-millis: 4 } }
              error: { before-ack: { probability: 0.5 } }
              store-error: { before-claim: { probability: 0.6, error: connection-reset } }
            """)
        let scenario = try ScenarioLoader.parse(text, file: "tiny.yaml")
        #expect(scenario.faults[.duplicate, .afterRead] == FaultRule(probability: 0.1))
        #expect(scenario.faults[.stall, .afterClaim] == FaultRule(probability: 0.2, minMillis: 50, maxMillis: 90))
        #expect(scenario.faults[.crash, .beforeCommit] == FaultRule(probability: 0.3, minMillis: 1, maxMillis: 2))
        #expect(scenario.faults[.timeout, .afterCommit] == FaultRule(probability: 0.4, minMillis: 3, maxMillis: 4))
        #expect(scenario.faults[.error, .beforeAck] == FaultRule(probability: 0.5))
        #expect(scenario.faults[.storeError, .beforeClaim] == FaultRule(probability: 0.6, storeError: .connectionReset))
        #expect(scenario.delivery == DeliveryPolicy(preset: .snsLambda, visibilityTimeoutMillis: 900_000, maxReceiveCount: 3,
                                                    retryDelayMillis: 5, subscribers: 2))
    }

    @Test func gotoJumpsForwardToANamedStep() throws {
        let text = Self.valid.replacingOccurrences(of: "      on-success: done\n      on-failure: skip\n", with: """
                  on-success: done
                  on-failure: goto record
                - name: record
                  role: write
                  sql:
                    sqlite: UPDATE m SET by = NULL WHERE id = :message
                  success: rows-affected
                  on-success: fail
                  on-failure: fail

            """)
        let scenario = try ScenarioLoader.parse(text, file: "tiny.yaml")
        #expect(try #require(scenario.stepMachine).protocolSteps[0].onFailure == .jump(to: 1))
    }

    @Test func gotoToAnUnknownOrEarlierStepIsRefused() throws {
        let unknown = try #require(loadError(Self.valid.replacingOccurrences(of: "on-failure: skip", with: "on-failure: goto nowhere")))
        #expect(unknown.line == 22)
        #expect(unknown.message.contains("no step is named `nowhere`"))
        let backwards = try #require(loadError(Self.valid.replacingOccurrences(of: "on-failure: skip", with: "on-failure: goto claim")))
        #expect(backwards.message.contains("jumps back"))
    }

    @Test func aDurationOnAKindThatTakesNoneIsRefused() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(
            of: "  delay:\n    after-read: { probability: 0.5, min-millis: 1, max-millis: 3 }",
            with: "  error:\n    after-read: { probability: 0.5, min-millis: 1, max-millis: 3 }")))
        #expect(failure.line == 9)
        #expect(failure.message.contains("unknown key `min-millis`"))
    }

    @Test func aStoreErrorMustSayWhichError() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(
            of: "  delay:\n    after-read: { probability: 0.5, min-millis: 1, max-millis: 3 }",
            with: "  store-error:\n    after-read: { probability: 0.5 }")))
        #expect(failure.message.contains("missing required key `error`"))
    }

    @Test func anUnknownFaultKindGetsASuggestion() throws {
        let failure = try #require(loadError(Self.valid.replacingOccurrences(of: "  delay:\n", with: "  dealy:\n")))
        #expect(failure.line == 8)
        #expect(failure.message.contains("did you mean `delay`"))
    }
}
