#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TortureKit

/// `WireProxy.stop` in front of a server that accepts and never answers: it returns at once and
/// every proxied connection is closed.
struct WireProxyStopTests {
    @Test func stopClosesAConnectionWaitingOnASilentServer() throws {
        let (server, serverPort) = try WireSocket.listenOnLoopback()
        defer { close(server) }
        let proxy = try WireProxy(upstreamHost: "127.0.0.1", upstreamPort: serverPort, observer: SilentObserver())
        let client = try WireSocket.connect(to: .tcp(host: "127.0.0.1", port: try proxy.listen(worker: "w1")), timeoutMillis: 2_000)
        defer { close(client) }
        var startup: [UInt8] = []
        startup.appendBigEndian(9)
        startup.appendBigEndian(196_608)
        startup.append(0)
        #expect(send(client, startup, startup.count, Int32(MSG_NOSIGNAL)) == startup.count)

        // The proxy connects upstream once it has the startup: the connection is then in flight.
        var listening = pollfd(fd: server, events: Int16(POLLIN), revents: 0)
        #expect(poll(&listening, 1, 5_000) == 1)
        let upstream = accept(server, nil, nil)
        defer { close(upstream) }

        let clock = RealClock()
        proxy.stop()
        #expect(clock.nowNanos() < 2_000_000_000, "stop returns at once")
        var readable = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        #expect(poll(&readable, 1, 2_000) == 1)
        var byte: UInt8 = 0
        #expect(read(client, &byte, 1) <= 0, "the client's connection is closed")
    }
}

private struct SilentObserver: WireObserver {
    func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction { .forward }
    func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome) {}
}
