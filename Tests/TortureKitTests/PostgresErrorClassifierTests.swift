import Testing
@testable import TortureKit

@Suite("SQLSTATE mapping")
struct PostgresErrorClassifierTests {
    private func kind(_ sqlState: String?, lost: Bool = false) -> String {
        PostgresErrorClassifier.classify(sqlState: sqlState, message: "m", connectionLost: lost).kind.rawValue
    }

    @Test("serialization failures and deadlocks are retryable, with the code kept in the message")
    func serialization() {
        #expect(kind("40001") == "serialization-failure")
        #expect(kind("40P01") == "serialization-failure")
        let deadlock = PostgresErrorClassifier.classify(sqlState: "40P01", message: "deadlock detected", connectionLost: false)
        #expect(deadlock.message == "[40P01] deadlock detected")
    }

    @Test("unique violation") func unique() { #expect(kind("23505") == "unique-violation") }

    @Test("a lost connection or a server going away is unavailable (exit 3)",
          arguments: ["08006", "08003", "08001", "57P01", "57P02", "57P03", "53100", "53300", "58030"])
    func unavailable(sqlState: String) {
        #expect(kind(sqlState) == "connection-lost")
    }

    @Test("a bad connection is unavailable whatever the code")
    func badConnection() {
        #expect(kind(nil, lost: true) == "connection-lost")
        #expect(kind("23505", lost: true) == "connection-lost")
    }

    @Test("lock and statement timeouts are busy") func busy() {
        #expect(kind("55P03") == "busy")
        #expect(kind("57014") == "busy")
    }

    @Test("everything else is other", arguments: ["42P01", "42601", "23503", "25P02", "XX000"])
    func other(sqlState: String) {
        #expect(kind(sqlState) == "other")
    }

    @Test("a client-side failure on a good connection is other") func clientSide() { #expect(kind(nil) == "other") }
}
