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
