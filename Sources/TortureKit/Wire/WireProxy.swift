#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// A PostgreSQL-aware proxy on 127.0.0.1 in front of one server: one listening port per worker
/// (how a connection is tied to its worker), one thread per connection, and a `WireObserver`
/// asked at each statement's points what to do. Blocking socket work never runs on Swift's
/// cooperative pool: each connection has a thread of its own.
public final class WireProxy: Sendable {
    private let upstream: WireUpstream
    private let observer: any WireObserver
    private let clock = RealClock()
    /// Written once by `stop`, never read: every thread polls its read end, so it wakes them all.
    private let stopSignal: (read: Int32, write: Int32)
    private let state = Mutex(State())
    private let threads = DispatchGroup()
    /// How long `stop` waits for the threads; one stuck in the observer is left behind.
    private static let stopTimeoutSeconds = 5

    private struct State {
        var ports: [String: Int] = [:]
        var connectionCounts: [String: Int] = [:]
        var isStopped = false
        var allThreadsEnded = true
    }

    /// `upstreamHost` as libpq reads it: a name or address, or a folder holding the server's Unix socket.
    public init(upstreamHost: String, upstreamPort: Int, observer: any WireObserver) throws(WireProxyError) {
        upstream = WireUpstream(host: upstreamHost, port: upstreamPort)
        self.observer = observer
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw WireProxyError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        stopSignal = (descriptors[0], descriptors[1])
        // The handler children this process spawns must not inherit it.
        _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
    }

    deinit {
        stop()
        if state.withLock({ $0.allThreadsEnded }) {
            close(stopSignal.read)
            close(stopSignal.write)
        }
    }

    /// Opens `worker`'s port on 127.0.0.1 and returns it; the same port if it is already open.
    public func listen(worker: String) throws(WireProxyError) -> Int {
        if let port = state.withLock({ $0.ports[worker] }) { return port }
        let (listener, port) = try WireSocket.listenOnLoopback()
        let opened = state.withLock { state in
            guard !state.isStopped else { return false }
            state.ports[worker] = port
            state.allThreadsEnded = false
            return true
        }
        guard opened else {
            close(listener)
            throw WireProxyError(description: "the proxy is stopped")
        }
        start { self.accept(on: listener, worker: worker) }
        return port
    }

    /// Closes the listeners and every proxied connection, and waits (a few seconds at most) for
    /// their threads to end. Call it: until then the listening threads keep the proxy alive.
    public func stop() {
        let first = state.withLock { state in
            defer { state.isStopped = true }
            return !state.isStopped
        }
        if first {
            var byte: UInt8 = 1
            _ = write(stopSignal.write, &byte, 1)
        }
        if threads.wait(timeout: .now() + .seconds(Self.stopTimeoutSeconds)) == .success {
            state.withLock { $0.allThreadsEnded = true }
        }
    }

    /// Asks the server to cancel the statement the process `processID` runs (a CancelRequest on
    /// a connection of its own, as libpq's `PQcancel` sends it). False: the server could not be told.
    @discardableResult
    public func cancel(processID: Int32, secretKey: [UInt8]) -> Bool {
        guard let descriptor = try? WireSocket.connect(to: upstream, timeoutMillis: 1_000) else { return false }
        defer { close(descriptor) }
        var packet: [UInt8] = []
        for value in [UInt32(8 + 4 + secretKey.count), 80_877_102, UInt32(bitPattern: processID)] {
            packet += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        var output = WireOutput()
        output.append(packet + secretKey)
        for _ in 0..<100 where !output.isEmpty {
            guard output.write(to: descriptor) else { return false }
            var writable = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&writable, 1, 10)
        }
        return output.isEmpty
    }

    private func start(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread {
            body()
            self.threads.leave()
        }
        thread.start()
    }

    private func accept(on listener: Int32, worker: String) {
        defer { close(listener) }
        while true {
            var descriptors = [pollfd(fd: stopSignal.read, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || descriptors[0].revents != 0 { return }
            guard let client = WireSocket.accept(listener) else { continue }
            start { self.proxy(client: client, worker: worker) }
        }
    }

    private func proxy(client: Int32, worker: String) {
        let conversation = WireConversation(worker: worker, observer: observer, clock: clock) { [self] in
            state.withLock { state in
                state.connectionCounts[worker, default: 0] += 1
                return state.connectionCounts[worker]!
            }
        }
        WireConnection(client: client, upstream: upstream, stopSignal: stopSignal.read, conversation: conversation).run()
    }
}
