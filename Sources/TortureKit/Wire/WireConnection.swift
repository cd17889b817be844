#if canImport(Glibc)
import Glibc
#endif

/// One proxied connection, run on a thread of its own: both sockets polled together with the
/// proxy's stop signal, bytes handed to the conversation, its effects carried out in order. All
/// sockets are non-blocking and every wait includes the stop signal, so `WireProxy.stop` ends it.
final class WireConnection {
    private let client: Int32
    private var server: Int32?
    private let upstream: WireUpstream
    private let stopSignal: Int32
    private var conversation: WireConversation
    private var toClient = WireOutput()
    private var toServer = WireOutput()
    /// What each read lands in: one buffer for the connection, not 64 KiB allocated and zeroed a read.
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    /// Past this much unsent toward one side, the other side is not read: a slow reader slows
    /// its writer instead of growing a buffer.
    private static let backlogLimitBytes = 1 << 20
    private static let connectTimeoutMillis: Int32 = 5_000
    /// After one side closes, how long what is owed the other may take to go out.
    private static let drainTimeoutMillis: Int32 = 1_000

    init(client: Int32, upstream: WireUpstream, stopSignal: Int32, conversation: WireConversation) {
        self.client = client
        self.upstream = upstream
        self.stopSignal = stopSignal
        self.conversation = conversation
    }

    func run() {
        defer {
            close(client)
            if let server { close(server) }
            conversation.ended()
        }
        var draining = false
        while true {
            if draining && toClient.isEmpty && toServer.isEmpty { return }
            var descriptors = [pollfd(fd: stopSignal, events: Int16(POLLIN), revents: 0), pollfd(fd: client, events: 0, revents: 0)]
            if !draining && conversation.readsClient && toServer.count < Self.backlogLimitBytes { descriptors[1].events |= Int16(POLLIN) }
            if !toClient.isEmpty { descriptors[1].events |= Int16(POLLOUT) }
            if let server {
                var events: Int16 = 0
                if !draining && toClient.count < Self.backlogLimitBytes { events |= Int16(POLLIN) }
                if !toServer.isEmpty { events |= Int16(POLLOUT) }
                descriptors.append(pollfd(fd: server, events: events, revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), draining ? Self.drainTimeoutMillis : -1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 || descriptors[0].revents != 0 { return }
            if descriptors.count > 2 {
                if !service(server!, descriptors[2].revents, draining: &draining, isClient: false) { return }
            }
            if !service(client, descriptors[1].revents, draining: &draining, isClient: true) { return }
        }
    }

    /// One socket's turn: write what is owed it, read what it sent. False: the connection ends now.
    private func service(_ descriptor: Int32, _ events: Int16, draining: inout Bool, isClient: Bool) -> Bool {
        if events & Int16(POLLOUT) != 0 {
            let written = isClient ? toClient.write(to: descriptor) : toServer.write(to: descriptor)
            if !written { return false }
        }
        let readable = events & Int16(POLLIN | POLLHUP | POLLERR) != 0
        guard readable, !draining else { return true }
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return true }
        guard count > 0 else {
            draining = true
            return isClient || carryOut(conversation.serverClosed())
        }
        do {
            let bytes = chunk[..<count]
            let effects = isClient ? try conversation.fromClient(bytes) : try conversation.fromServer(bytes)
            return carryOut(effects)
        } catch {
            return false
        }
    }

    private func carryOut(_ effects: [WireEffect]) -> Bool {
        for effect in effects {
            switch effect {
            case .toClient(let bytes):
                toClient.append(bytes)
            case .toServer(let bytes):
                if server == nil {
                    do {
                        server = try WireSocket.connect(to: upstream, timeoutMillis: Self.connectTimeoutMillis)
                    } catch {
                        toClient.append(WireMessage.fatalError(sqlState: "08006", message: "torture's proxy: \(error)").bytes)
                        return toClient.write(to: client) && false
                    }
                }
                toServer.append(bytes)
            case .pause(let millis):
                _ = toClient.write(to: client)
                if let server { _ = toServer.write(to: server) }
                var stop = pollfd(fd: stopSignal, events: Int16(POLLIN), revents: 0)
                if poll(&stop, 1, Int32(clamping: max(0, millis))) != 0 { return false }
            case .cut:
                return false
            }
        }
        return true
    }
}

/// Bytes owed one socket, written as it can take them.
struct WireOutput {
    private var bytes: [UInt8] = []
    private var start = 0

    var count: Int { bytes.count - start }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ more: [UInt8]) {
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
        bytes += more
    }

    /// Writes what the socket takes now. False: the socket is gone.
    mutating func write(to descriptor: Int32) -> Bool {
        while start < bytes.count {
            let written = bytes[start...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 { return errno == EAGAIN || errno == EINTR }
            start += written
        }
        return true
    }
}
