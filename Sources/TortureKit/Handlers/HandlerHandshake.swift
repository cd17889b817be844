import Foundation

extension ProcessHandler {
    /// Why a handler could not be started and greeted.
    public struct HandshakeFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts the program once, sends `init` and waits for `init_ok` in protocol 1, then tells it
    /// to stop: what `torture validate` checks before any run. The child is given `store`'s
    /// space, or a SQLite file of its own that is removed afterwards. Returns the cold start's
    /// milliseconds.
    public func handshake(scenario: String, store: (any Store)? = nil) throws(HandshakeFailure) -> Double {
        let scratch: String
        do {
            scratch = try ScratchFolder.make("torture-handshake")
        } catch {
            throw HandshakeFailure(description: error.description)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let database = store.flatMap(HandlerDatabase.connection(for:)) ?? scratch + "/handshake.sqlite"
        let facts = HandlerRunFacts(scenario: scenario, dialect: store?.dialect ?? .sqlite, database: database, seed: Seed(0))
        let processes: HandlerProcesses
        do {
            processes = try HandlerProcesses(handler: self, facts: facts)
        } catch {
            throw HandshakeFailure(description: error.description)
        }
        defer {
            processes.stopAll()
            processes.removeFiles()
        }
        let started = HandlerChild.monotonicNanos()
        switch processes.slot(for: Names.worker(0)).ready(timeoutMillis: timeoutMillis, shouldStop: { false }) {
        case .ready:
            return Double(HandlerChild.monotonicNanos() - started) / 1_000_000
        case .failed(let reason):
            throw HandshakeFailure(description: processes.redacted(reason))
        }
    }
}
