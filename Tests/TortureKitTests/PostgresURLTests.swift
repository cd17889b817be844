import Testing
@testable import TortureKit

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("libpq takes the URL apart and percent-decodes it")
    func parsesEveryPart() throws {
        let url = try PostgresURL(parsing: "postgresql://ann%40corp:p%3Ass@db.example:6543/orders%20db?sslmode=disable&connect_timeout=3")
        #expect(url.value(of: "user") == "ann@corp")
        #expect(url.value(of: "password") == "p:ss")
        #expect(url.value(of: "host") == "db.example")
        #expect(url.value(of: "port") == "6543")
        #expect(url.value(of: "dbname") == "orders db")
        #expect(url.value(of: "sslmode") == "disable")
        #expect(url.value(of: "connect_timeout") == "3")
    }

    @Test("several hosts reach libpq as one host list, and are shown as typed")
    func multiHost() throws {
        let url = try PostgresURL(parsing: "postgres://ann:hunter2@localhost:5432,127.0.0.1:5433/db")
        #expect(url.value(of: "host") == "localhost,127.0.0.1")
        #expect(url.value(of: "port") == "5432,5433")
        #expect(url.redacted == "postgres://ann:***@localhost:5432,127.0.0.1:5433/db")
        #expect(url.withoutPassword == "postgres://ann@localhost:5432,127.0.0.1:5433/db")
    }

    @Test("parts left out are left to libpq and its PG* variables")
    func partsLeftOut() throws {
        let url = try PostgresURL(parsing: "postgres://localhost")
        #expect(url.connectionKeywords.map(\.0) == ["host"])
        #expect(try PostgresURL(parsing: "postgres://").connectionKeywords.isEmpty)
        #expect(PostgresURL().connectionKeywords.isEmpty)
        #expect(try PostgresURL(parsing: "postgres:///torture").value(of: "dbname") == "torture")
    }

    @Test("an IPv6 host in brackets")
    func ipv6() throws {
        let url = try PostgresURL(parsing: "postgres://u@[::1]:5433/db")
        #expect(url.value(of: "host") == "::1")
        #expect(url.value(of: "port") == "5433")
        #expect(url.redacted == "postgres://u@[::1]:5433/db")
    }

    @Test("a password, in the user part or the query, is shown as *** and left out of the repro URL")
    func redaction() throws {
        let inUserPart = try PostgresURL(parsing: "postgres://ann:hunter2@h:5432/db?sslmode=disable")
        #expect(inUserPart.redacted == "postgres://ann:***@h:5432/db?sslmode=disable")
        #expect(inUserPart.withoutPassword == "postgres://ann@h:5432/db?sslmode=disable")
        let inQuery = try PostgresURL(parsing: "postgres://ann@h/db?password=hunter2&sslmode=require")
        #expect(inQuery.value(of: "password") == "hunter2")
        #expect(inQuery.redacted == "postgres://ann@h/db?password=***&sslmode=require")
        #expect(inQuery.withoutPassword == "postgres://ann@h/db?sslmode=require")
        #expect(inQuery.connectionKeywords.contains { $0 == ("password", "hunter2") })
    }

    @Test("the URL without its password parses back to the same keywords, less the password")
    func roundTrip() throws {
        let url = try PostgresURL(parsing: "postgres://a%20b:pw@h:1/d%2Fe?options=-c%20x%3D1")
        let again = try PostgresURL(parsing: url.withoutPassword)
        #expect(again.connectionKeywords.map { "\($0.0)=\($0.1)" } == url.connectionKeywords.filter { $0.0 != "password" }.map { "\($0.0)=\($0.1)" })
    }

    @Test("errors name the part and never repeat the password", arguments: [
        "postgres://u:secret@h:99999/db",
        "postgres://u:secret@h:port/db",
        "postgres://u:secret@[::1/db",
        "postgres://u:secret@h/db?novalue",
        "postgres://u:sec%zzret@h/db",
        "postgres://u@h/db?password=secret&bogus=1",
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
