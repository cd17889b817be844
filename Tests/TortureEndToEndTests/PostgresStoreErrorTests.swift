import Foundation
import Synchronization
import Testing
import TortureKit

/// The SQLSTATE mapping against the real server: the failures a protocol retries on and a
/// checker counts really arrive as `serializationFailure`, with the code in the message.
/// Part of the serialized PostgreSQL suite, so its connections never overlap a counted run.
extension PostgresEndToEndTests {
    private func isolatedStore(_ label: String) throws -> PostgresStore {
        let name = try #require(RunSchemaName(validating: "torture_e2e_\(label)_\(getpid())"))
        let store = PostgresStore(url: try PostgresURL(parsing: database.url), schema: name)
        try store.createRunSpace(workers: 2)
        let setup = try store.connect()
        defer { setup.close() }
        try setup.executeScript("CREATE TABLE rows (id INT PRIMARY KEY, value INT NOT NULL); INSERT INTO rows VALUES (1, 0), (2, 0)")
        return store
    }

    private static func sql(_ text: String) -> SQLTemplate { try! SQLTemplate(text) }
    private static let noParameters = StatementParameters(message: "", worker: "", attempt: 0, seed: Seed(0))

    @Test("a check runs read-only: DELETE … RETURNING is refused with 25006 and deletes nothing")
    func checksAreReadOnly() throws {
        let store = try isolatedStore("readonly")
        defer { try? store.dropRunSpace() }
        let connection = try store.connect()
        defer { connection.close() }
        try connection.beginReadOnly()
        var failure: StoreError?
        do {
            _ = try connection.execute(Self.sql("DELETE FROM rows RETURNING id"), Self.noParameters)
        } catch {
            failure = error
        }
        try connection.endReadOnly()
        #expect(failure.map { $0.kind == .other && $0.message.contains("[25006]") } == true, "\(String(describing: failure))")
        #expect(try connection.execute(Self.sql("SELECT count(*) FROM rows"), Self.noParameters).rows == [[.integer(2)]])
    }

    @Test("write skew under SERIALIZABLE fails with 40001 as a serialization failure")
    func serializationFailure() throws {
        let store = try isolatedStore("skew")
        defer { try? store.dropRunSpace() }
        let first = try store.connect()
        let second = try store.connect()
        defer { first.close(); second.close() }
        try first.begin(.serializable)
        try second.begin(.serializable)
        _ = try first.execute(Self.sql("SELECT sum(value) FROM rows"), Self.noParameters)
        _ = try second.execute(Self.sql("SELECT sum(value) FROM rows"), Self.noParameters)
        _ = try first.execute(Self.sql("UPDATE rows SET value = 1 WHERE id = 1"), Self.noParameters)
        var failure: StoreError?
        do {
            _ = try second.execute(Self.sql("UPDATE rows SET value = 1 WHERE id = 2"), Self.noParameters)
            try first.commit()
            try second.commit()
        } catch {
            failure = error
        }
        let error = try #require(failure, "one of two write-skewed serializable transactions must fail")
        #expect(error.kind == .serializationFailure && error.sqlState == "40001")
        #expect(error.message.hasPrefix("[40001]"))
        try second.rollback()
    }

    @Test("a deadlock fails with 40P01 as a serialization failure, told apart by its code")
    func deadlock() async throws {
        let store = try isolatedStore("deadlock")
        defer { try? store.dropRunSpace() }
        let first = SharedConnection(try store.connect())
        let second = SharedConnection(try store.connect())
        defer { first.connection.close(); second.connection.close() }
        try first.connection.begin(.readCommitted)
        try second.connection.begin(.readCommitted)
        _ = try first.connection.execute(Self.sql("UPDATE rows SET value = 1 WHERE id = 1"), Self.noParameters)
        _ = try second.connection.execute(Self.sql("UPDATE rows SET value = 1 WHERE id = 2"), Self.noParameters)
        // The first blocks on row 2 on a thread of its own; the second then closes the cycle.
        let firstOutcome = Mutex<StoreError??>(nil)
        let thread = Thread {
            do throws(StoreError) {
                _ = try first.connection.execute(Self.sql("UPDATE rows SET value = 2 WHERE id = 2"), Self.noParameters)
                firstOutcome.withLock { $0 = .some(nil) }
            } catch {
                firstOutcome.withLock { $0 = .some(error) }
            }
        }
        thread.start()
        try await Task.sleep(for: .milliseconds(200))
        var secondError: StoreError?
        do {
            _ = try second.connection.execute(Self.sql("UPDATE rows SET value = 2 WHERE id = 1"), Self.noParameters)
        } catch {
            secondError = error
        }
        if secondError == nil { try second.connection.rollback() }  // lets the first go on
        while firstOutcome.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(20)) }
        let errors = [secondError, firstOutcome.withLock { $0 ?? nil }].compactMap { $0 }
        try #require(errors.count == 1, "exactly one side of the deadlock is chosen as the victim: \(errors)")
        #expect(errors[0].kind == .serializationFailure && errors[0].sqlState == "40P01")
        #expect(errors[0].message.hasPrefix("[40P01]"))
        try first.connection.rollback()
        try second.connection.rollback()
    }
}

/// A connection handed to one other thread while its owner waits: used by one thread at a time.
private final class SharedConnection: @unchecked Sendable {
    let connection: any StoreConnection
    init(_ connection: any StoreConnection) { self.connection = connection }
}
