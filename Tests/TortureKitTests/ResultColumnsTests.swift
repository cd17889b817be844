import Testing
@testable import TortureKit

@Suite struct ResultColumnsTests {
    @Test func aSelectListNamesItsColumns() {
        #expect(ResultColumns(of: "SELECT id, c.value, COUNT(*) AS n FROM counters c WHERE id = ?1") ==
            .list([.named("id"), .named("value"), .named("n")]))
    }

    @Test func anExpressionWithoutAnAliasHasNoName() {
        #expect(ResultColumns(of: "SELECT value + 1, COUNT(*) FROM t") == .list([.unnamed("value + 1"), .unnamed("COUNT(*)")]))
    }

    @Test func returningNamesAWritesColumns() {
        #expect(ResultColumns(of: "UPDATE t SET v = v + 1 WHERE id IN (SELECT id FROM t LIMIT 2) RETURNING id, v AS now_value") ==
            .list([.named("id"), .named("now_value")]))
    }

    @Test func aWriteWithoutReturningReturnsNothing() {
        #expect(ResultColumns(of: "INSERT INTO t (id) SELECT id FROM u") == .none)
        #expect(ResultColumns(of: "UPDATE t SET v = 1 WHERE id = ?1") == .none)
        #expect(ResultColumns(of: "DELETE FROM t").names == [])
    }

    @Test func aStarMayReturnAnything() {
        #expect(ResultColumns(of: "SELECT * FROM t") == .unknown)
        #expect(ResultColumns(of: "SELECT t.* FROM t").names == nil)
    }

    @Test func namesAreCaseFoldedAndQuotesAndSubqueriesIgnored() {
        #expect(ResultColumns(of: "SELECT DISTINCT Value, 'a, b' AS \"Label\", (SELECT MAX(x) FROM y) AS top FROM t ORDER BY 1") ==
            .list([.named("value"), .named("label"), .named("top")]))
    }
}
