import Foundation
import Synchronization

/// What every child of a run is told at `init`, and what its environment's placeholders name.
struct HandlerRunFacts: Sendable {
    var scenario: String
    var dialect: Dialect
    /// The SQLite file, or the PostgreSQL URL into the run's schema: may carry a password, so
    /// never printed.
    var database: String
    var seed: Seed
}

/// A run's handler processes: one per worker, started when its worker's first delivery comes (a
/// cold start), started again after it died, stopped when the run ends. Each worker's slot is
/// used by that worker's processor alone; the table of slots and the tallies are shared.
final class HandlerProcesses: Sendable {
    let handler: ProcessHandler
    let facts: HandlerRunFacts
    /// `w-03.log` per worker: what the children wrote on stderr.
    let stderrDirectory: String
    /// torture's proxy between the children and PostgreSQL, where the run has one.
    let wire: HandlerWire?
    /// In simulation, where the children's statements wait for their turns.
    var turns: HandlerTurns? { wire?.turns }
    /// `handler.statementSteps`, compiled once. Immutable after init, and matching only reads it.
    nonisolated(unsafe) let statementMatchers: [(step: StatementStep, regex: Regex<AnyRegexOutput>)]
    private let slots = Mutex<[String: HandlerSlot]>([:])
    private let tally = Mutex(HandlerTally())

    init(handler: ProcessHandler, facts: HandlerRunFacts, wire: HandlerWire? = nil) throws(HandlerChild.SpawnFailure) {
        self.handler = handler
        self.facts = facts
        self.wire = wire
        self.statementMatchers = handler.statementSteps.compactMap { step in (try? Regex(step.pattern)).map { (step, $0) } }
        do {
            self.stderrDirectory = try ScratchFolder.make("torture-handler")
        } catch {
            throw HandlerChild.SpawnFailure(description: "no folder for the handlers' stderr: \(error)")
        }
    }

    func slot(for worker: String) -> HandlerSlot {
        slots.withLock { slots in
            if let slot = slots[worker] { return slot }
            let slot = HandlerSlot(worker: worker, processes: self)
            slots[worker] = slot
            return slot
        }
    }

    func coldStarted(nanos: UInt64) { tally.withLock { $0.coldStartNanos.append(nanos) } }
    func protocolFailed() { tally.withLock { $0.protocolFailures += 1 } }
    func killedForTimeout() { tally.withLock { $0.timeouts += 1 } }

    /// Each child is told to stop and given two seconds, then killed.
    func stopAll() {
        turns?.stop()
        let all = slots.withLock { Array($0.values) }
        for slot in all { slot.requestShutdown() }
        let deadline = HandlerChild.monotonicNanos() + 2_000_000_000
        for slot in all {
            let now = HandlerChild.monotonicNanos()
            slot.finishShutdown(waitingMillis: now < deadline ? Int((deadline - now) / 1_000_000) : 0)
        }
        wire?.stop()
    }

    /// What the report says of the handler, and each worker's stderr (its last 256 KiB).
    func summary() -> (HandlerSummary, stderr: [String: String]) {
        let workers = slots.withLock { $0.keys.sorted() }
        let tally = tally.withLock { $0 }
        let coldStarts = tally.coldStartNanos.sorted()
        func percentile(_ fraction: Double) -> Double {
            guard !coldStarts.isEmpty else { return 0 }
            return Double(coldStarts[min(coldStarts.count - 1, Int(Double(coldStarts.count - 1) * fraction))]) / 1_000_000
        }
        var stderr: [String: String] = [:]
        for worker in workers {
            if let text = Self.tail(of: stderrPath(worker), bytes: HandlerSummary.stderrKeptBytes), !text.isEmpty {
                stderr[worker] = redacted(text)
            }
        }
        let summary = HandlerSummary(
            command: handler.commandLine, contentHash: handler.contentHash.fixedHex, event: handler.event.rawValue,
            timeoutMillis: handler.timeoutMillis, coldStarts: coldStarts.count, coldStartP50Millis: percentile(0.5),
            coldStartMaxMillis: percentile(1), protocolFailures: tally.protocolFailures, timeouts: tally.timeouts,
            stderrFiles: stderr.keys.sorted().map(HandlerSummary.stderrFile))
        return (summary, stderr)
    }

    /// `text` with the run's database password (as written and percent-encoded) replaced by `***`.
    func redacted(_ text: String) -> String {
        facts.dialect == .postgres ? PostgresURL.redacting(text, passwordsOf: facts.database) : text
    }

    /// The step a statement's text runs, if a `matches` names it.
    func statementStep(for text: String) -> StatementStep? {
        statementMatchers.first { (try? $0.regex.firstMatch(in: text)) != nil }?.step
    }

    func stderrPath(_ worker: String) -> String { "\(stderrDirectory)/\(worker).log" }

    /// The stderr files go with the run; the report has kept what it shows.
    func removeFiles() {
        try? FileManager.default.removeItem(atPath: stderrDirectory)
    }

    static func tail(of path: String, bytes limit: Int) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The last line the child wrote on stderr, for a failure's message.
    func lastStderrLine(_ worker: String) -> String? {
        guard let text = Self.tail(of: stderrPath(worker), bytes: 4_096) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: true).last.map { String($0.prefix(300)) }
    }

    /// What `worker`'s child connects with: the run's database, through the worker's port of
    /// the proxy when there is one.
    func database(for worker: String) throws(HandlerChild.SpawnFailure) -> String {
        guard let wire else { return facts.database }
        do {
            return try wire.database(for: worker)
        } catch {
            throw HandlerChild.SpawnFailure(description: "cannot open the wire proxy's port for \(worker): \(error)")
        }
    }

    /// The child's environment: torture's, the scenario's, and the protocol's version.
    func environment(for worker: String, database: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let own = environment
        for (name, template) in handler.environment {
            environment[name] = template.rendered(facts, worker: worker, database: database, environment: own)
        }
        environment["TORTURE_HANDLER_PROTOCOL"] = String(HandlerProtocol.version)
        return environment
    }
}

private struct HandlerTally {
    var coldStartNanos: [UInt64] = []
    var protocolFailures = 0
    var timeouts = 0
}

/// A worker's child, used only on that worker's processor (hence unchecked): started on demand,
/// dropped when it dies or breaks the protocol.
final class HandlerSlot: @unchecked Sendable {
    let worker: String
    private unowned let processes: HandlerProcesses
    private(set) var child: HandlerChild?
    /// Numbers the deliveries this worker's children were sent.
    private var lastDelivery = 0

    init(worker: String, processes: HandlerProcesses) {
        self.worker = worker
        self.processes = processes
    }

    func nextDeliveryId() -> Int {
        lastDelivery += 1
        return lastDelivery
    }

    enum Start {
        case ready(HandlerChild)
        case failed(String)
    }

    /// The running child, or a new one started and greeted: a cold start, timed.
    func ready(timeoutMillis: Int, shouldStop: () -> Bool) -> Start {
        if let child { return .ready(child) }
        let started = HandlerChild.monotonicNanos()
        let handler = processes.handler
        let child: HandlerChild
        let database: String
        do {
            database = try processes.database(for: worker)
            child = try HandlerChild(command: handler.command, workingDirectory: handler.workingDirectory,
                                     environment: processes.environment(for: worker, database: database), stderrPath: processes.stderrPath(worker))
        } catch {
            return .failed(error.description)
        }
        let greeting = HandlerProtocol.initMessage(processes.facts, worker: worker, database: database, timeoutMillis: handler.timeoutMillis)
        guard child.write(greeting.encoded) else {
            return .failed(ended(child, while: "starting"))
        }
        let deadline = started + UInt64(max(10_000, timeoutMillis)) * 1_000_000
        switch child.readLine(deadlineNanos: deadline, shouldStop: shouldStop) {
        case .line(let line):
            switch HandlerProtocol.readInitAnswer(line) {
            case .success:
                processes.coldStarted(nanos: HandlerChild.monotonicNanos() - started)
                self.child = child
                return .ready(child)
            case .failure(let problem):
                child.kill()
                processes.protocolFailed()
                return .failed(problem.description)
            }
        case .closed:
            return .failed(ended(child, while: "starting"))
        case .timedOut:
            child.kill()
            return .failed("the handler did not answer `init` within \(max(10_000, timeoutMillis)) ms (killed)")
        case .garbage(let what):
            child.kill()
            processes.protocolFailed()
            return .failed("the handler answered `init` with \(what)")
        case .woken:
            preconditionFailure("a child is greeted without a doorbell")
        }
    }

    /// How a child that stopped reading or writing ended, with its last words on stderr.
    func ended(_ child: HandlerChild, while doing: String) -> String {
        let status = child.exitStatus(waitingMillis: 500).map(HandlerChild.words) ?? {
            child.kill()
            return "closed its stdout (killed)"
        }()
        if self.child === child {
            self.child = nil
            processes.turns?.childGone(worker: worker)
        }
        let last = processes.lastStderrLine(worker).map { "; its stderr ends: \($0)" } ?? ""
        return "the handler \(status) while \(doing)\(last)"
    }

    /// Kills the child (a crash, a timeout, a broken protocol): the next delivery starts another.
    func kill() {
        guard let child else { return }
        child.kill()
        self.child = nil
        processes.turns?.childGone(worker: worker)
    }

    fileprivate func requestShutdown() {
        guard let child else { return }
        _ = child.write(HandlerProtocol.shutdownMessage.encoded)
    }

    fileprivate func finishShutdown(waitingMillis: Int) {
        guard let child else { return }
        if child.exitStatus(waitingMillis: waitingMillis) == nil { child.kill() }
        self.child = nil
    }
}

/// What the report says of a run's handler process.
public struct HandlerSummary: Sendable, Codable, Equatable {
    public var command: String
    public var contentHash: String
    public var event: String
    public var timeoutMillis: Int
    /// Children started: the first of each worker's and every one after a death.
    public var coldStarts: Int
    public var coldStartP50Millis: Double
    public var coldStartMaxMillis: Double
    /// Deliveries failed because the child broke the protocol (garbage, a wrong version, …).
    public var protocolFailures: Int
    /// Children killed past `timeout-millis`.
    public var timeouts: Int
    /// In the report's folder: each worker's stderr that said anything, its last `stderrKeptBytes`.
    public var stderrFiles: [String]

    public static let stderrKeptBytes = 256 * 1_024
    static func stderrFile(_ worker: String) -> String { "handler-stderr/\(worker).log" }
}
