import Foundation
import Synchronization

/// A run's wire: torture's PostgreSQL proxy between each handler child and the server, and the
/// observer that ties every statement to the delivery its worker is handling, decides the wire's
/// faults with the run's plan, and keeps what happened until the worker's processor records it.
/// The proxy's threads only append here; the processor drains on its own thread (`drain`), so its
/// history is written by it alone.
final class HandlerWire: WireObserver, Sendable {
    let proxy: WireProxy
    private let plan: FaultPlan
    private let workers = Mutex<[String: WorkerWire]>([:])
    private let upstreamKeywords: [(String, String)]
    private let forwarder: Forwarder
    /// In simulation: where every statement waits for its worker's turn.
    let turns: HandlerTurns?

    /// What the wire saw of a worker's delivery, in order.
    enum Event: Sendable {
        case fault(Fault, InjectionPoint, statement: Int)
        case statement(number: Int, text: String, outcome: WireOutcome)
    }

    private struct WorkerWire {
        var delivery: Delivery?
        /// Statements of the current delivery, from 1; and which of them each of the worker's
        /// connections' statements is.
        var statements = 0
        var numbers: [WireKey: Int] = [:]
        var events: [Event] = []
    }

    private struct WireKey: Hashable {
        var connection: Int
        var statement: Int
    }

    /// `keywords`: how torture itself reaches the server (the run's schema and role among them).
    init(keywords: [(String, String)], plan: FaultPlan, turns: HandlerTurns? = nil) throws(WireProxyError) {
        self.plan = plan
        self.turns = turns
        self.upstreamKeywords = keywords
        let host = keywords.first { $0.0 == "host" }?.1 ?? "/var/run/postgresql"
        let port = Int(keywords.first { $0.0 == "port" }?.1 ?? "") ?? 5432
        let forwarder = Forwarder()
        self.forwarder = forwarder
        self.proxy = try WireProxy(upstreamHost: host, upstreamPort: port, observer: forwarder)
        forwarder.target.withLock { $0 = self }
        let proxy = proxy
        turns?.cancelling { processID, secretKey in proxy.cancel(processID: processID, secretKey: secretKey) }
    }

    /// The URL a worker's child connects with: torture's own, through the worker's port.
    func database(for worker: String) throws(WireProxyError) -> String {
        let port = try proxy.listen(worker: worker)
        var keywords = upstreamKeywords.filter { !["host", "hostaddr", "port", "sslmode"].contains($0.0) }
        keywords.insert(("port", String(port)), at: 0)
        keywords.insert(("host", "127.0.0.1"), at: 0)
        // The proxy answers SSLRequest with no: the child speaks plain TCP to it.
        keywords.append(("sslmode", "disable"))
        return HandlerDatabase.url(keywords)
    }

    func begin(worker: String, delivery: Delivery) {
        workers.withLock { workers in
            var wire = workers[worker] ?? WorkerWire()
            wire.delivery = delivery
            wire.statements = 0
            wire.numbers = [:]
            wire.events = []
            workers[worker] = wire
        }
    }

    /// What the wire saw since the last drain; with `ending`, the delivery is over.
    func drain(worker: String, ending: Bool = false) -> [Event] {
        workers.withLock { workers in
            guard var wire = workers[worker] else { return [] }
            let events = wire.events
            wire.events = []
            if ending { wire.delivery = nil }
            workers[worker] = wire
            return events
        }
    }

    /// Closes every proxied connection; the wire no longer observes (which also ends the
    /// proxy → forwarder → wire cycle).
    func stop() {
        turns?.stop()
        proxy.stop()
        forwarder.target.withLock { $0 = nil }
    }

    // MARK: WireObserver

    func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction {
        let injection = Self.point(point)
        // In place (`workers[worker]!.…`): a copy taken out and written back would copy its
        // `numbers` and `events` at every statement, quadratic in a delivery's statements.
        let decided: (Delivery, Int)? = workers.withLock { workers in
            guard let delivery = workers[worker]?.delivery else { return nil }
            let key = WireKey(connection: connection, statement: statement.number)
            if let known = workers[worker]!.numbers[key] { return (delivery, known) }
            workers[worker]!.statements += 1
            let number = workers[worker]!.statements
            workers[worker]!.numbers[key] = number
            return (delivery, number)
        }
        guard let (delivery, number) = decided else { return .forward }
        let faults = plan.wireFaults(for: delivery, statement: number, at: injection)
        if !faults.isEmpty {
            workers.withLock { workers in
                for fault in faults { workers[worker]?.events.append(.fault(fault, injection, statement: number)) }
            }
        }
        var action = WireAction.forward
        var heldMillis = 0
        for fault in faults {
            switch fault {
            case .delay(let millis), .stall(let millis): heldMillis += millis
            case .reset: action = .reset
            case .lostCommitAck: action = .loseAnswer
            case .sqlError(let sqlState): action = .error(sqlState: sqlState, message: "torture: injected \(sqlState)")
            case .duplicate, .crash, .timeout, .error, .storeError:
                assertionFailure("the plan gives \(fault.kind) to the engine's points only")
            }
        }
        if let turns {
            // The statement (or its answer) waits for its lane, which sleeps a delay on the virtual clock.
            let key = HandlerTurns.Key(worker: worker, connection: connection)
            let isBefore = point == .beforeStatement || point == .beforeCommit
            let goes = isBefore ? turns.holdBefore(key, delayMillis: heldMillis) : turns.holdAfter(key, delayMillis: heldMillis)
            return goes ? action : .reset
        }
        // On threads the proxy's thread waits.
        if heldMillis > 0 {
            return action == .forward ? .delay(millis: heldMillis) : { usleep(UInt32(heldMillis) * 1_000); return action }()
        }
        return action
    }

    func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome) {
        workers.withLock { workers in
            guard workers[worker]?.delivery != nil,
                  let number = workers[worker]?.numbers[WireKey(connection: connection, statement: statement.number)] else { return }
            workers[worker]!.events.append(.statement(number: number, text: statement.text, outcome: outcome))
        }
        turns?.finished(HandlerTurns.Key(worker: worker, connection: connection))
    }

    func backend(worker: String, connection: Int, processID: Int32, secretKey: [UInt8]) {
        turns?.backend(HandlerTurns.Key(worker: worker, connection: connection), processID: processID, secretKey: secretKey)
    }

    func closed(worker: String, connection: Int) {
        turns?.closed(HandlerTurns.Key(worker: worker, connection: connection))
    }

    private static func point(_ point: WirePoint) -> InjectionPoint {
        switch point {
        case .beforeStatement: .beforeStatement
        case .afterStatement: .afterStatement
        case .beforeCommit: .beforeCommit
        case .afterCommit: .afterCommit
        }
    }

    /// The proxy is made before the wire that observes it: this forwards to it once it exists.
    private final class Forwarder: WireObserver {
        let target = Mutex<HandlerWire?>(nil)

        func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction {
            target.withLock { $0 }?.action(worker: worker, connection: connection, point: point, statement: statement) ?? .forward
        }

        func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome) {
            target.withLock { $0 }?.finished(worker: worker, connection: connection, statement: statement, outcome: outcome)
        }

        func backend(worker: String, connection: Int, processID: Int32, secretKey: [UInt8]) {
            target.withLock { $0 }?.backend(worker: worker, connection: connection, processID: processID, secretKey: secretKey)
        }

        func closed(worker: String, connection: Int) {
            target.withLock { $0 }?.closed(worker: worker, connection: connection)
        }
    }
}
