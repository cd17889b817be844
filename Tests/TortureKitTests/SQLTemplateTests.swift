import Testing
@testable import TortureKit

@Suite struct SQLTemplateTests {
    @Test func rewritesNamedParametersPerDialect() throws {
        let template = try SQLTemplate("UPDATE m SET by = :worker, n = :attempt WHERE id = :message AND by IS NULL")
        #expect(template.parameters == [.worker, .attempt, .message])
        #expect(template.sqliteText == "UPDATE m SET by = ?1, n = ?2 WHERE id = ?3 AND by IS NULL")
        #expect(template.postgresText == "UPDATE m SET by = $1, n = $2 WHERE id = $3 AND by IS NULL")
    }

    @Test func aNameUsedTwiceBindsOneSlot() throws {
        let template = try SQLTemplate("SELECT :message, :worker, :message")
        #expect(template.parameters == [.message, .worker])
        #expect(template.postgresText == "SELECT $1, $2, $1")
    }

    @Test func leavesQuotedTextAndCastsAlone() throws {
        let template = try SQLTemplate("SELECT ':worker', \"a:b\", x::text FROM t WHERE id = :message")
        #expect(template.parameters == [.message])
        #expect(template.postgresText == "SELECT ':worker', \"a:b\", x::text FROM t WHERE id = $1")
    }

    @Test func refusesAnUnknownParameter() {
        #expect(throws: SQLTemplate.ParseError.unknownParameter("mesage")) {
            try SQLTemplate("SELECT * FROM t WHERE id = :mesage")
        }
    }
}

@Suite struct SQLTemplateLetAndValueTests {
    @Test func aLetIsPlacedInParenthesesAndItsParametersBound() throws {
        let template = try SQLTemplate("UPDATE s SET n = n + 1 WHERE id = :session AND :message <> ''",
                                       lets: ["session": "'s' || (:message_number % 8)"])
        #expect(template.parameters == [.messageNumber, .message])
        #expect(template.sqliteText == "UPDATE s SET n = n + 1 WHERE id = ('s' || (?1 % 8)) AND ?2 <> ''")
    }

    @Test func letsMayUseLetsButNotInACircle() throws {
        let nested = try SQLTemplate(":b", lets: ["a": ":message_number", "b": ":a + 1"])
        #expect(nested.postgresText == "(($1) + 1)")
        #expect(throws: SQLTemplate.ParseError.letCycle(["a", "b", "a"])) {
            try SQLTemplate(":a", lets: ["a": ":b", "b": ":a"])
        }
        #expect(throws: SQLTemplate.ParseError.unknownParameter("nope", inLet: "a")) {
            try SQLTemplate(":a", lets: ["a": ":nope"])
        }
    }

    @Test func stepValuesAndTimeAreParameters() throws {
        let template = try SQLTemplate("UPDATE c SET v = :read.Value + 1 WHERE t < :now - 5 AND k = :read.value")
        #expect(template.parameters == [.stepValue(StepColumn(step: "read", column: "value")), .now])
        #expect(template.sqliteText == "UPDATE c SET v = ?1 + 1 WHERE t < ?2 - 5 AND k = ?1")
        #expect(template.usesNow)
        #expect(try !SQLTemplate("SELECT :message").usesNow)
    }

    @Test func aKeptRowBindsItsColumnsAndAMissingOneBindsNull() {
        var parameters = StatementParameters(message: "m-00417", worker: "w-01", attempt: 1, seed: Seed(1))
        #expect(parameters.value(of: .messageNumber) == .integer(417))
        parameters.keep(StatementResult(rowsAffected: 0, rows: [[.integer(41), .text("c1")]], columns: ["Value", "id"]), of: "read")
        #expect(parameters.value(of: .stepValue(StepColumn(step: "read", column: "value"))) == .integer(41))
        #expect(parameters.value(of: .stepValue(StepColumn(step: "read", column: "id"))) == .text("c1"))
        #expect(parameters.value(of: .stepValue(StepColumn(step: "other", column: "id"))) == .null)
        parameters.keep(StatementResult(rowsAffected: 0, rows: [], columns: ["value"]), of: "read")
        #expect(parameters.value(of: .stepValue(StepColumn(step: "read", column: "value"))) == .null)
    }
}
