import Synchronization
import Testing
@testable import TortureKit

/// The proxy's protocol state driven one message at a time, without a socket or a server.
struct WireConversationTests {
    @Test("COMMIT in its spellings is a commit; what merely mentions it is not", arguments: [
        ("COMMIT", true), ("commit;", true), ("  End Transaction ; ", true), ("COMMIT WORK AND NO CHAIN", true),
        ("BEGIN; INSERT INTO t VALUES (1); COMMIT", true), ("COMMIT PREPARED 'tx1'", true),
        ("ROLLBACK", false), ("SELECT 'commit'", false), ("DO $$ BEGIN NULL; END $$", false), ("", false),
    ])
    func commitIsRecognised(text: String, isCommit: Bool) {
        #expect(WireStatementText.isCommit(text) == isCommit)
    }

    @Test func rowsComeFromTheTagsThatCountThem() {
        #expect(WireStatementText.rows(inTag: "INSERT 0 1") == 1)
        #expect(WireStatementText.rows(inTag: "UPDATE 3") == 3)
        #expect(WireStatementText.rows(inTag: "SELECT 5") == 5)
        #expect(WireStatementText.rows(inTag: "COMMIT") == nil)
        #expect(WireStatementText.rows(inTag: "CREATE TABLE") == nil)
    }

    @Test("SSLRequest is refused with N, the startup is read, and a simple Query's answer is held until ReadyForQuery")
    func simpleQuery() throws {
        let observer = ScriptedWireObserver()
        var conversation = try Self.ready(observer)
        #expect(observer.startups == [WireStartup(parameters: ["user": "alice", "database": "shop"])])

        #expect(try conversation.fromClient(Self.message("Q", "SELECT 1")) == [.toServer(Self.message("Q", "SELECT 1"))])
        let complete = Self.message("C", "SELECT 1"), ready = Self.message("Z", bytes: [UInt8(ascii: "I")])
        #expect(try conversation.fromServer(complete) == [])
        #expect(try conversation.fromServer(ready) == [.toClient(complete + ready)])
        let finished = try #require(observer.finished.first)
        #expect(finished.statement.number == 1 && finished.connection == 1)
        guard case .completed(tag: "SELECT 1", rows: 1, _) = finished.outcome else {
            Issue.record("finished as \(finished.outcome)")
            return
        }
    }

    @Test("an error injected at an Execute: the rest up to Sync is not sent, and the server raises it after the Sync")
    func injectedErrorInTheExtendedProtocol() throws {
        let observer = ScriptedWireObserver { point, _ in
            point == .beforeStatement ? .error(sqlState: "40001", message: "serialize") : .forward
        }
        var conversation = try Self.ready(observer)
        let parse = Self.message("P", bytes: Self.cStrings("", "INSERT INTO t VALUES ($1)") + [0, 0])
        let bind = Self.message("B", bytes: Self.cStrings("", "") + [0, 0, 0, 0, 0, 0])
        let execute = Self.message("E", bytes: Self.cStrings("") + [0, 0, 0, 0])
        let sync = WireMessage.sync.bytes
        #expect(try conversation.fromClient(parse + bind + execute + Self.message("H", bytes: []) + sync)
                    == [.toServer(parse), .toServer(bind), .toServer(sync)])
        #expect(!conversation.readsClient, "nothing of the client's may pass the raised error")

        let parsed = Self.message("1", bytes: []), bound = Self.message("2", bytes: [])
        let effects = try conversation.fromServer(parsed + bound + Self.message("Z", bytes: [UInt8(ascii: "T")]))
        let raising = WireMessage.query(WireStatementText.raising(sqlState: "40001", message: "serialize")).bytes
        #expect(effects == [.toClient(parsed), .toClient(bound), .toServer(raising)], "the Sync's ReadyForQuery is swallowed")

        let error = Self.message("E", bytes: [UInt8(ascii: "C")] + Self.cStrings("40001") + [UInt8(ascii: "M")] + Self.cStrings("serialize") + [0])
        let failed = Self.message("Z", bytes: [UInt8(ascii: "E")])
        #expect(try conversation.fromServer(error + failed) == [.toClient(error + failed)])
        #expect(conversation.readsClient)
        #expect(conversation.transactionStatus == UInt8(ascii: "E"))
        guard case .failed(sqlState: "40001", message: "serialize", _)? = observer.finished.first?.outcome else {
            Issue.record("finished: \(observer.finished)")
            return
        }
    }

    @Test("loseAnswer after COMMIT cuts the connection and drops the answer")
    func lostCommitAcknowledgement() throws {
        let observer = ScriptedWireObserver { point, _ in point == .afterCommit ? .loseAnswer : .forward }
        var conversation = try Self.ready(observer)
        _ = try conversation.fromClient(Self.message("Q", "COMMIT"))
        #expect(try conversation.fromServer(Self.message("C", "COMMIT") + Self.message("Z", bytes: [UInt8(ascii: "I")])) == [.cut])
        #expect(observer.finished.map(\.outcome) == [.answerLost(tag: "COMMIT")])
    }

    /// A conversation past startup and authentication, as user alice on database shop.
    fileprivate static func ready(_ observer: ScriptedWireObserver) throws -> WireConversation {
        var conversation = WireConversation(worker: "w1", observer: observer, clock: RealClock()) { 1 }
        var sslRequest: [UInt8] = []
        sslRequest.appendBigEndian(8)
        sslRequest.appendBigEndian(80_877_103)
        #expect(try conversation.fromClient(sslRequest) == [.toClient([UInt8(ascii: "N")])])
        let parameters = cStrings("user", "alice", "database", "shop") + [0]
        var startup: [UInt8] = []
        startup.appendBigEndian(UInt32(8 + parameters.count))
        startup.appendBigEndian(196_608)
        startup += parameters
        #expect(try conversation.fromClient(startup) == [.toServer(startup)])
        let authenticated = message("R", bytes: [0, 0, 0, 0]) + message("Z", bytes: [UInt8(ascii: "I")])
        #expect(try conversation.fromServer(authenticated).count == 2)
        return conversation
    }

    fileprivate static func message(_ type: Character, _ text: String) -> [UInt8] {
        message(type, bytes: cStrings(text))
    }

    fileprivate static func message(_ type: Character, bytes: [UInt8]) -> [UInt8] {
        WireMessage(type: type.asciiValue!, body: bytes).bytes
    }

    fileprivate static func cStrings(_ strings: String...) -> [UInt8] {
        strings.flatMap { Array($0.utf8) + [0] }
    }
}

/// Answers each point with a rule; keeps startups and finished statements.
private final class ScriptedWireObserver: WireObserver {
    private let rule: @Sendable (WirePoint, WireStatement) -> WireAction
    private let kept = Mutex<(startups: [WireStartup], finished: [(connection: Int, statement: WireStatement, outcome: WireOutcome)])>(([], []))

    init(rule: @escaping @Sendable (WirePoint, WireStatement) -> WireAction = { _, _ in .forward }) {
        self.rule = rule
    }

    var startups: [WireStartup] { kept.withLock { $0.startups } }
    var finished: [(connection: Int, statement: WireStatement, outcome: WireOutcome)] { kept.withLock { $0.finished } }

    func opened(worker: String, connection: Int, startup: WireStartup) {
        kept.withLock { $0.startups.append(startup) }
    }

    func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction {
        rule(point, statement)
    }

    func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome) {
        kept.withLock { $0.finished.append((connection, statement, outcome)) }
    }
}

extension WireConversationTests {
    @Test("a FATAL error held with a simple Query's answer still reaches the client when the server closes")
    func serverClosingFlushesWhatItSaid() throws {
        let observer = ScriptedWireObserver()
        var conversation = try Self.ready(observer)
        _ = try conversation.fromClient(Self.message("Q", "SELECT pg_sleep(60)"))
        let fatal = Self.message("E", bytes: [UInt8(ascii: "C")] + Self.cStrings("57P01") + [UInt8(ascii: "M")] + Self.cStrings("terminating") + [0])
        #expect(try conversation.fromServer(fatal) == [])
        #expect(conversation.serverClosed() == [.toClient(fatal)])
        guard case .failed(sqlState: "57P01", _, _)? = observer.finished.first?.outcome else {
            Issue.record("finished: \(observer.finished)")
            return
        }
    }
}
