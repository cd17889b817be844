import Synchronization
import Testing
@testable import TortureKit

/// The processor's DLQ write (`protocol.dead-letter`) under a store that refuses it: on a loaded
/// machine SQLite's busy timeout runs out now and then, and a refused write once dropped the
/// entry while the history said the message was dead-lettered (dlq-reprocess: `no-loss` held,
/// yet a webhook was never processed and no DLQ entry was left to re-drive it).
@Suite(.serialized) struct DeadLetterWriteTests {
    /// SQLite, except that a statement writing the DLQ table is refused as `busy` while
    /// `refusals` says so: `.first(n)` refuses the first n DLQ writes of the run, `.always` all.
    final class RefusingStore: Store {
        enum Refusals { case first(Int), always }
        let inner: SQLiteStore
        let refusals: Refusals
        let refused = Atomic<Int>(0)

        init(_ inner: SQLiteStore, refusals: Refusals) {
            self.inner = inner
            self.refusals = refusals
        }

        var dialect: Dialect { inner.dialect }
        var displayName: String { inner.displayName }
        var commandLineValue: String { inner.commandLineValue }
        func connect() throws(StoreError) -> any StoreConnection { RefusingConnection(try inner.connect(), store: self) }

        /// Whether this DLQ write is refused (counting it when it is).
        func refuse() -> Bool {
            switch refusals {
            case .always:
                refused.add(1, ordering: .relaxed)
                return true
            case .first(let count):
                while true {
                    let seen = refused.load(ordering: .relaxed)
                    guard seen < count else { return false }
                    if refused.compareExchange(expected: seen, desired: seen + 1, ordering: .relaxed).exchanged { return true }
                }
            }
        }
    }

    final class RefusingConnection: StoreConnection {
        let inner: any StoreConnection
        let store: RefusingStore

        init(_ inner: any StoreConnection, store: RefusingStore) {
            self.inner = inner
            self.store = store
        }

        func execute(_ statement: SQLTemplate, _ parameters: StatementParameters) throws(StoreError) -> StatementResult {
            if statement.source.contains("INSERT INTO webhook_dlq"), store.refuse() {
                throw .busy("database is locked (refused by the test)")
            }
            return try inner.execute(statement, parameters)
        }
        func prepare(_ statement: SQLTemplate) throws(StoreError) { try inner.prepare(statement) }
        func resultColumns(of statement: SQLTemplate) throws(StoreError) -> [String]? { try inner.resultColumns(of: statement) }
        func executeScript(_ sql: String) throws(StoreError) { try inner.executeScript(sql) }
        func begin(_ isolation: IsolationLevel) throws(StoreError) { try inner.begin(isolation) }
        func commit() throws(StoreError) { try inner.commit() }
        func rollback() throws(StoreError) { try inner.rollback() }
        func beginReadOnly() throws(StoreError) { try inner.beginReadOnly() }
        func endReadOnly() throws(StoreError) { try inner.endReadOnly() }
        func close() { inner.close() }
    }

    func run(refusals: RefusingStore.Refusals, messages: Int, seed: UInt64) async throws -> (RunEngine.Outcome, refused: Int) {
        let scenario = try Repository.scenario("dlq-reprocess")
        let directory = TemporaryDirectory()
        // SQLite itself waits up to a minute for a lock here, so the only refusals are the ones
        // injected: on a loaded machine (the whole suite on two cores) a writer can starve past the
        // default 5 s in each of its attempts, which is the machine's doing, not this test's question.
        let patient = SQLiteStore(path: directory.sqliteStore().path, busyTimeoutMillis: 60_000, isUserPath: true)
        let store = RefusingStore(patient, refusals: refusals)
        let configuration = RunConfiguration(
            scenario: scenario.name, workers: 4, messages: messages, deliveriesPerMessage: 1, concurrentDeliveries: 1,
            seed: Seed(seed), store: store.commandLineValue, scenariosDirectory: nil, scheduler: .threads)
        let outcome = await RunEngine(scenario: scenario, configuration: configuration, store: store).run(startedAt: "test")
        _ = directory
        return (outcome, store.refused.load(ordering: .relaxed))
    }

    func events(_ outcome: RunEngine.Outcome, _ kind: HistoryEvent.Kind) -> [HistoryEvent] {
        outcome.history.filter { $0.subject == HistoryEvent.Subject.deadLetter && $0.kind == kind }
    }

    /// A DLQ write refused as busy once is tried again: the entry lands, the crons re-drive it,
    /// and every webhook is processed.
    @Test func aDLQWriteRefusedAsBusyIsTriedAgainAndNothingIsLost() async throws {
        let (outcome, refused) = try await run(refusals: .first(3), messages: 60, seed: 5)
        let written = events(outcome, .ok)
        #expect(written.count >= 3, "the seed dead-letters enough messages for every refusal to hit one")
        #expect(refused == 3)
        #expect(outcome.report.status == .held, "\(outcome.report.verdicts.filter { !$0.held })")
        #expect(events(outcome, .fail).isEmpty)
        #expect(written.contains { $0.detail?.contains("attempts") == true }, "a write that was retried says so")
    }

    /// A DLQ write refused every time is not a dead-lettered message: the history says the write
    /// failed, never that the message is in the DLQ, so `no-loss` reports each one.
    @Test func aDLQWriteThatNeverLandsIsALossNotADeadLetter() async throws {
        let (outcome, refused) = try await run(refusals: .always, messages: 30, seed: 5)
        let failed = events(outcome, .fail)
        #expect(!failed.isEmpty)
        #expect(events(outcome, .ok).isEmpty, "no message is called dead-lettered when its DLQ row was never written")
        #expect(refused == failed.count * ParticipantMachinery.deadLetterAttempts, "each write is tried the bounded number of times")
        let noLoss = try #require(outcome.report.verdicts.first { $0.invariant == "no-loss" })
        #expect(!noLoss.held)
        let lost = Set(noLoss.witnesses.compactMap(\.message))
        // On threads a delivery that outlived its visibility timeout may still land its work while
        // a later receive of the message fails into the DLQ: that message is processed, not lost.
        let processed = Set(outcome.history.filter { $0.subject == HistoryEvent.Subject.processed && $0.kind == .ok }.map(\.message))
        let unprocessed = Set(failed.filter { !processed.contains($0.message) }.map { Names.message($0.message) })
        #expect(!unprocessed.isEmpty)
        #expect(unprocessed.isSubset(of: lost), "lost: \(lost.sorted()); DLQ write failed, never processed: \(unprocessed.sorted())")
    }
}
