import Foundation
import Testing
@testable import TortureKit

/// Step values used as written on SQLite: sums, comparisons and NULLs of what earlier steps
/// returned, directly and through a `let` (TortureEndToEndTests/PostgresTypedStepValueTests does
/// the same against PostgreSQL, where the types have to be sent).
@Suite struct TypedStepValueTests {
    static let accounts = """
        CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER);
        CREATE TABLE audits (total INTEGER);
        INSERT INTO accounts (id, balance) VALUES ('x', 9), ('y', 91), ('w', 10), ('z', NULL);
        """
    static let auditor = "INSERT INTO audits (total) VALUES (:first.balance + :second.balance)"

    /// A connection with the accounts, and the parameters of a delivery that read x into `first`
    /// and `account` into `second`.
    private func readBoth(second account: String, on connection: any StoreConnection) throws -> StatementParameters {
        try connection.executeScript(Self.accounts)
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        for (step, id) in [("first", "x"), ("second", account)] {
            let read = try connection.execute(try SQLTemplate("SELECT balance FROM accounts WHERE id = '\(id)'"), parameters)
            parameters.keep(read, of: step)
        }
        return parameters
    }

    @Test func theAuditorRecordsTheSumOfTwoBalances() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let parameters = try readBoth(second: "y", on: connection)
        try connection.prepare(try SQLTemplate(Self.auditor), stepTypes: parameters.stepTypes)
        let inserted = try connection.execute(try SQLTemplate(Self.auditor), parameters)
        #expect(inserted.rowsAffected == 1)
        #expect(try connection.execute(try SQLTemplate("SELECT total FROM audits"), parameters).rows == [[.integer(100)]])
    }

    @Test func twoStepValuesCompareAsNumbers() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let parameters = try readBoth(second: "w", on: connection)
        // As text, '9' < '10' is false.
        let compared = try connection.execute(try SQLTemplate(
            "SELECT :first.balance < :second.balance AS less, :second.balance - :first.balance AS gap, "
                + ":first.balance = :second.balance - 1 AS adjacent"), parameters)
        #expect(compared.rows == [[.integer(1), .integer(1), .integer(1)]])
    }

    @Test func aNullStepValueIsANullOfItsColumn() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let parameters = try readBoth(second: "z", on: connection)
        let result = try connection.execute(try SQLTemplate(
            "SELECT :second.balance IS NULL AS missing, :first.balance + :second.balance AS total, "
                + "COALESCE(:second.balance, 0) + :first.balance AS counted"), parameters)
        #expect(result.rows == [[.integer(1), .null, .integer(9)]])
    }

    @Test func aLetOverStepValuesIsTheSameSum() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        let parameters = try readBoth(second: "y", on: connection)
        let lets = ["total": ":first.balance + :second.balance", "balanced": ":total = 100"]
        let result = try connection.execute(try SQLTemplate("SELECT :total AS total, :balanced AS balanced", lets: lets), parameters)
        #expect(result.rows == [[.integer(100), .integer(1)]])
    }

    @Test func floatsAndBooleansKeepTheirMeaning() throws {
        let directory = TemporaryDirectory()
        let connection = try directory.sqliteStore().connect()
        defer { connection.close() }
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        let first = try connection.execute(try SQLTemplate("SELECT CAST(1.5 AS DOUBLE PRECISION) AS r, (1 = 1) AS b"), parameters)
        parameters.keep(first, of: "a")
        let second = try connection.execute(try SQLTemplate("SELECT :a.r * 2 AS doubled, :a.b = (2 = 2) AS same"), parameters)
        #expect(second.rows == [[.real(3), .integer(1)]])
    }

    /// The store's types of a kept step's columns reach the parameters: what PostgreSQL prepares with.
    @Test func keptColumnTypesAreRememberedWithTheValues() {
        var parameters = StatementParameters(message: "m-00001", worker: "w-00", attempt: 1, seed: Seed(1))
        parameters.keep(StatementResult(rowsAffected: 0, rows: [], columns: ["Balance"], columnTypes: [ColumnType(id: 23)]), of: "first")
        #expect(parameters.value(of: .stepValue(StepColumn(step: "first", column: "balance"))) == .null)
        #expect(parameters.stepTypes == [StepColumn(step: "first", column: "balance"): ColumnType(id: 23)])
        parameters.keep(StatementResult(rowsAffected: 0, rows: [[.integer(1)]], columns: ["n"]), of: "untyped")
        #expect(parameters.stepTypes[StepColumn(step: "untyped", column: "n")] == nil, "SQLite gives no column types")
    }
}
