import Testing
@testable import TortureKit

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("every part is taken apart and percent-decoded")
    func parsesEveryPart() throws {
        let url = try PostgresURL(parsing: "postgresql://ann%40corp:p%3Ass@db.example:6543/orders%20db?sslmode=disable&connect_timeout=3")
        #expect(url.user == "ann@corp")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "orders db")
        #expect(url.query == [.init(name: "sslmode", value: "disable"), .init(name: "connect_timeout", value: "3")])
    }

    @Test("parts left out are left to libpq and its PG* variables")
    func partsLeftOut() throws {
        let url = try PostgresURL(parsing: "postgres://localhost")
        #expect(url == PostgresURL(host: "localhost"))
        #expect(url.connectionKeywords.map(\.0) == ["host"])
        #expect(try PostgresURL(parsing: "postgres://") == PostgresURL())
        #expect(try PostgresURL(parsing: "postgres:///torture").database == "torture")
    }

    @Test("an IPv6 host in brackets")
    func ipv6() throws {
        let url = try PostgresURL(parsing: "postgres://u@[::1]:5433/db")
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.redacted == "postgres://u@[::1]:5433/db")
    }

    @Test("a password, in the user part or the query, is shown as *** and left out of the repro URL")
    func redaction() throws {
        let inUserPart = try PostgresURL(parsing: "postgres://ann:hunter2@h:5432/db?sslmode=disable")
        #expect(inUserPart.redacted == "postgres://ann:***@h:5432/db?sslmode=disable")
        #expect(inUserPart.withoutPassword == "postgres://ann@h:5432/db?sslmode=disable")
        let inQuery = try PostgresURL(parsing: "postgres://ann@h/db?password=hunter2&sslmode=require")
        #expect(inQuery.password == "hunter2")
        #expect(!inQuery.redacted.contains("hunter2"))
        #expect(!inQuery.withoutPassword.contains("hunter2"))
        #expect(inQuery.connectionKeywords.contains { $0 == ("password", "hunter2") })
    }

    @Test("the redacted URL parses back to the same server")
    func roundTrip() throws {
        let url = try PostgresURL(parsing: "postgres://a%20b@h:1/d%2Fe?options=-c%20x%3D1")
        #expect(try PostgresURL(parsing: url.withoutPassword) == url)
    }

    @Test("errors name the part and never repeat the text", arguments: [
        "postgres://u:secret@h:99999/db",
        "postgres://u:secret@h:port/db",
        "postgres://u:secret@[::1/db",
        "postgres://u:secret@h/db?novalue",
        "postgres://u:sec%zzret@h/db",
        "mysql://u:secret@h/db",
    ])
    func errorsNeverRepeatThePassword(text: String) {
        #expect {
            _ = try PostgresURL(parsing: text)
        } throws: { error in
            !"\(error)".contains("secret") && !"\(error)".contains("sec%zz")
        }
    }
}
