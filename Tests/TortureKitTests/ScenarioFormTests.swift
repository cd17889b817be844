import Testing
@testable import TortureKit

/// The scenario language as a user writes it: SQL once, lets, values between steps, actors,
/// `extends:` — and a file:line:column error for each way of getting them wrong.
@Suite struct ScenarioFormTests {
    /// Line numbers below refer to this text: keep it in step with the tests.
    static let counter = """
        name: counter
        description: read, add one, write back
        workload:
          messages: 10
          deliveries-per-message: 1
          concurrent-deliveries: 1
        protocol:
          schema: CREATE TABLE c (id TEXT PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0);
          let:
            key: "'c' || (:message_number % 2)"
          publish: INSERT INTO c (id) VALUES (:key) ON CONFLICT (id) DO NOTHING
          transaction: read-committed
          steps:
            - name: read
              role: read
              sql: SELECT id, value FROM c WHERE id = :key
              success: row-returned
            - name: write
              role: write
              sql: UPDATE c SET value = :read.value + 1 WHERE id = :key RETURNING value
              success: rows-affected
              on-success: done
        invariants:
          - no-lost-update: { read: read.value, wrote: write.value, key: read.id }
        """

    static func parse(_ text: String, file: String = "counter.yaml", sources: ScenarioSources = .none) throws -> Scenario {
        try ScenarioLoader.parse(text, file: file, sources: sources)
    }

    static func error(_ text: String, file: String = "counter.yaml", sources: ScenarioSources = .none) -> ScenarioError? {
        do {
            _ = try parse(text, file: file, sources: sources)
            return nil
        } catch {
            return error as? ScenarioError
        }
    }

    @Test func oneTextServesEveryDialectAndKeptStepsAreMarked() throws {
        let scenario = try Self.parse(Self.counter)
        #expect(scenario.dialects == [.sqlite, .postgres])
        let machine = try #require(scenario.stepMachine)
        #expect(machine.protocolSteps.map(\.keepsValues) == [true, true], "read feeds write; write feeds the checker")
        #expect(machine.protocolSteps[1].sql[.postgres]?.postgresText == "UPDATE c SET value = $1 + 1 WHERE id = ('c' || ($2 % 2)) RETURNING value")
        #expect(machine.protocolSteps[0].onFailure == .fail, "on-failure defaults to fail")
        #expect(scenario.invariants == [.noLostUpdate(read: StepColumn(step: "read", column: "value"),
                                                      wrote: StepColumn(step: "write", column: "value"),
                                                      key: StepColumn(step: "read", column: "id"))])
    }

    @Test func aDefaultWithAnOverrideGivesEachDialectItsText() throws {
        let text = Self.counter.replacingOccurrences(of: "      sql: SELECT id, value FROM c WHERE id = :key\n", with: """
                  sql:
                    default: SELECT id, value FROM c WHERE id = :key FOR UPDATE
                    sqlite: SELECT id, value FROM c WHERE id = :key

            """)
        let read = try #require(try Self.parse(text).stepMachine).protocolSteps[0]
        #expect(read.sql[.postgres]?.source.hasSuffix("FOR UPDATE") == true)
        #expect(read.sql[.sqlite]?.source.hasSuffix("FOR UPDATE") == false)
    }

    @Test func theSameSQLTwiceIsRefusedWhereItIsWritten() throws {
        let twice = Self.counter.replacingOccurrences(of: "      sql: SELECT id, value FROM c WHERE id = :key\n", with: """
                  sql:
                    sqlite: SELECT id, value FROM c WHERE id = :key
                    postgres: SELECT id, value FROM c WHERE id = :key

            """)
        let failure = try #require(Self.error(twice))
        #expect(failure.description.hasPrefix("counter.yaml:17:"))
        #expect(failure.message.contains("write it once"))
        let overridden = Self.counter.replacingOccurrences(of: "      sql: SELECT id, value FROM c WHERE id = :key\n", with: """
                  sql:
                    default: SELECT id, value FROM c WHERE id = :key
                    postgres: SELECT id, value FROM c WHERE id = :key

            """)
        let same = try #require(Self.error(overridden))
        #expect(same.line == 18)
        #expect(same.message.contains("the same as `default`"))
    }

    @Test func aForwardReferenceNamesTheLaterStep() throws {
        let text = Self.counter.replacingOccurrences(of: "WHERE id = :key\n", with: "WHERE id = :key AND :write.value > 0\n")
        let failure = try #require(Self.error(text))
        #expect(failure.line == 16)
        #expect(failure.column != nil)
        #expect(failure.message.contains("`:write.value`: step `write` comes later"))
        let itself = try #require(Self.error(Self.counter.replacingOccurrences(of: ":read.value + 1", with: ":write.value + 1")))
        #expect(itself.line == 20)
        #expect(itself.message.contains("is this step itself"))
    }

    @Test func aColumnTheStepCannotReturnIsNamedWithWhatItReturns() throws {
        let failure = try #require(Self.error(Self.counter.replacingOccurrences(of: ":read.value + 1", with: ":read.valeu + 1")))
        #expect(failure.line == 20)
        #expect(failure.message.contains("step `read` returns (id, value), not `valeu`; did you mean `read.value`?"))
        let unnamed = Self.counter.replacingOccurrences(of: "SELECT id, value FROM", with: "SELECT id, value + 0 FROM")
        let expression = try #require(Self.error(unnamed))
        #expect(expression.message.contains("name it with AS"))
        let noRows = Self.counter.replacingOccurrences(of: " RETURNING value", with: "")
        let write = try #require(Self.error(noRows))
        #expect(write.line == 24)
        #expect(write.message.contains("returns no rows"))
    }

    @Test func anUnknownStepOrParameterGetsASuggestion() throws {
        let step = try #require(Self.error(Self.counter.replacingOccurrences(of: ":read.value + 1", with: ":raed.value + 1")))
        #expect(step.message.contains("no step is named `raed`; did you mean `read`?"))
        let parameter = try #require(Self.error(Self.counter.replacingOccurrences(of: "(:message_number % 2)", with: "(:mesage_number % 2)")))
        #expect(parameter.line == 10)
        #expect(parameter.message.contains("did you mean `:message_number`?"))
        let tick = try #require(Self.error(Self.counter.replacingOccurrences(of: "WHERE id = :key RETURNING", with: "WHERE id = :key AND :tick > 0 RETURNING")))
        #expect(tick.message.contains("`:tick` is not available in a step"))
    }

    @Test func aLetMayNotShadowABuiltInNorGoRoundInACircle() throws {
        let shadow = try #require(Self.error(Self.counter.replacingOccurrences(of: "    key: \"'c'", with: "    now: \"'c'")))
        #expect(shadow.line == 10)
        #expect(shadow.message.contains("`now` is a built-in parameter"))
        let circle = try #require(Self.error(Self.counter.replacingOccurrences(of: "(:message_number % 2)", with: "(:key)")))
        #expect(circle.message.contains("circle: key → key"))
    }

    // MARK: actors

    static let actor = """

        actors:
          - name: sweeper
            schedule: { every-millis: 10, jitter-millis: 3, instances: 2, overlap: false }
            transaction: read-committed
            steps:
              - name: stuck
                role: read
                sql: SELECT id AS message FROM c WHERE value < :now - :tick
                success: row-returned
                on-failure: done
                publish: message
        """

    @Test func anActorHasASchedulePublishesAndBindsItsOwnParameters() throws {
        let scenario = try Self.parse(Self.counter + Self.actor)
        let sweeper = try #require(scenario.actors.first)
        #expect(sweeper.schedule == ActorSchedule(everyMillis: 10, jitterMillis: 3, instances: 2, overlap: false))
        #expect(sweeper.publishes)
        #expect(sweeper.machine.isolation == .readCommitted)
        #expect(sweeper.machine.protocolSteps[0].publishColumn == "message")
        #expect(sweeper.machine.protocolSteps[0].sql[.sqlite]?.parameters == [.now, .tick])
        #expect(sweeper.instanceName(2) == "sweeper-2")
    }

    @Test func anActorWithoutAScheduleIsRefused() throws {
        let text = Self.counter + Self.actor.replacingOccurrences(of: "    schedule: { every-millis: 10, jitter-millis: 3, instances: 2, overlap: false }\n", with: "")
        let failure = try #require(Self.error(text))
        #expect(failure.line == 26)
        #expect(failure.message.contains("actor `sweeper` has no `schedule`"))
    }

    @Test func anActorCannotBindADeliverysParametersNorDuplicate() throws {
        let message = try #require(Self.error(Self.counter + Self.actor.replacingOccurrences(of: ":now - :tick", with: ":message_number")))
        #expect(message.line == 32)
        #expect(message.message.contains("`:message_number` is not available in an actor's step; available: :worker, :tick, :seed, :now"))
        let duplicate = Self.counter + Self.actor.replacingOccurrences(
            of: "    transaction: read-committed\n", with: "    faults: { duplicate: { after-read: { probability: 0.5 } } }\n")
        #expect(try #require(Self.error(duplicate)).message.contains("`duplicate` has no meaning for an actor"))
    }

    @Test func publishNamesAReturnedColumnAndOnlyActorsPublish() throws {
        let wrong = try #require(Self.error(Self.counter + Self.actor.replacingOccurrences(of: "publish: message", with: "publish: id")))
        #expect(wrong.line == 35)
        #expect(wrong.message.contains("returns (message)"))
        let worker = Self.counter.replacingOccurrences(of: "      success: row-returned\n", with: "      success: row-returned\n      publish: id\n")
        #expect(try #require(Self.error(worker)).message.contains("`publish` is for an actor's steps"))
    }

    // MARK: extends

    static let twin = """
        name: counter-naive
        extends: counter
        description: the read without a lock
        protocol:
          transaction: ~
          steps:
            - name: read
              sql: SELECT id, value, 0 AS lock FROM c WHERE id = :key
            - name: write
        """

    static func sources(_ files: [String: String]) -> ScenarioSources {
        ScenarioSources(find: { name, _ in files[name].map { ("\(name).yaml", $0) } }, known: { _ in files.keys.sorted() })
    }

    @Test func aTwinInheritsWhatItDoesNotSayAndRemovesWhatItSetsToNothing() throws {
        let twin = try Self.parse(Self.twin, file: "counter-naive.yaml", sources: Self.sources(["counter": Self.counter]))
        let base = try Self.parse(Self.counter)
        #expect(twin.name == "counter-naive")
        #expect(twin.workload == base.workload)
        #expect(twin.invariants == base.invariants)
        let machine = try #require(twin.stepMachine)
        #expect(machine.isolation == nil)
        #expect(machine.protocolSteps.map(\.name) == ["read", "write"])
        #expect(machine.protocolSteps[0].role == .read, "inherited from the base's step of that name")
        #expect(machine.protocolSteps[0].sql[.sqlite]?.source.contains("0 AS lock") == true)
        #expect(twin.source.contentHash != base.source.contentHash)
    }

    @Test func extendsOfAMissingScenarioIsRefusedWithASuggestion() throws {
        let failure = try #require(Self.error(Self.twin.replacingOccurrences(of: "extends: counter", with: "extends: countr"),
                                              file: "counter-naive.yaml", sources: Self.sources(["counter": Self.counter])))
        #expect(failure.description.hasPrefix("counter-naive.yaml:2:10:"))
        #expect(failure.message.contains("no scenario file countr.yaml next to this one, nor a built-in one; did you mean `counter`?"))
    }

    @Test func extendsInACircleIsRefused() throws {
        let first = Self.twin.replacingOccurrences(of: "extends: counter", with: "extends: b").replacingOccurrences(of: "name: counter-naive", with: "name: a")
        let second = Self.twin.replacingOccurrences(of: "extends: counter", with: "extends: a").replacingOccurrences(of: "name: counter-naive", with: "name: b")
        let failure = try #require(Self.error(first, file: "a.yaml", sources: Self.sources(["a": first, "b": second])))
        #expect(failure.file == "b.yaml")
        #expect(failure.line == 2)
        #expect(failure.message.contains("goes round in a circle: a → b → a"))
    }

    @Test func anErrorInTheBaseNamesTheBasesFile() throws {
        let broken = Self.counter.replacingOccurrences(of: "role: write", with: "role: wirte")
        let failure = try #require(Self.error(Self.twin, file: "counter-naive.yaml", sources: Self.sources(["counter": broken])))
        #expect(failure.file == "counter.yaml")
        #expect(failure.line == 19)
    }

    @Test func aBuiltInTwinExtendsItsBuiltInBase() throws {
        let twin = try ScenarioLoader.load(path: "built-in:race-claim-naive.yaml")
        #expect(twin.name == "race-claim-naive")
        #expect(try #require(twin.stepMachine).protocolSteps.map(\.name) == ["check", "claim", "process"])
        #expect(twin.source.location(of: .step("process"), .sqlite).hasPrefix("built-in:race-claim.yaml:"), "inherited SQL is in the base")
        #expect(twin.source.location(of: .step("check"), .sqlite).hasPrefix("built-in:race-claim-naive.yaml:"))
    }

    @Test func aTwinStatesItsOwnName() throws {
        let text = Self.twin.replacingOccurrences(of: "name: counter-naive\n", with: "")
        #expect(try #require(Self.error(text, sources: Self.sources(["counter": Self.counter]))).message.contains("states its own `name`"))
    }
}

extension ScenarioSources {
    /// No file extends another.
    static let none = ScenarioSources(find: { _, _ in nil }, known: { _ in [] })
}
