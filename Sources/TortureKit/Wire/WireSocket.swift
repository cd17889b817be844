#if canImport(Glibc)
import Glibc
#endif

/// The POSIX socket calls the proxy makes, each failure a `WireProxyError` naming the call.
enum WireSocket {
    /// A socket listening on 127.0.0.1 on a port the kernel picks, and that port.
    static func listenOnLoopback() throws(WireProxyError) -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 128) == 0 else {
            let error = failure("bind / listen on 127.0.0.1")
            close(descriptor)
            throw error
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw failure("getsockname")
        }
        setNonBlocking(descriptor)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A connected, non-blocking socket; a connect that takes longer than the timeout fails.
    static func connect(to upstream: WireUpstream, timeoutMillis: Int32) throws(WireProxyError) -> Int32 {
        switch upstream {
        case .unixSocket(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                throw WireProxyError(description: "the socket path \(path) is too long")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
            return try connect(family: AF_UNIX, &address, length: socklen_t(MemoryLayout<sockaddr_un>.size),
                               timeoutMillis: timeoutMillis, naming: path)
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let resolved = getaddrinfo(host, String(port), &hints, &list)
            guard resolved == 0, let list else {
                throw WireProxyError(description: "cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
            }
            defer { freeaddrinfo(list) }
            var lastError = WireProxyError(description: "no address for \(host)")
            var entry: UnsafeMutablePointer<addrinfo>? = list
            while let current = entry {
                do {
                    return try connect(family: current.pointee.ai_family, current.pointee.ai_addr,
                                       length: current.pointee.ai_addrlen, timeoutMillis: timeoutMillis, naming: "\(host):\(port)")
                } catch {
                    lastError = error
                }
                entry = current.pointee.ai_next
            }
            throw lastError
        }
    }

    private static func connect(family: Int32, _ address: UnsafeRawPointer, length: socklen_t, timeoutMillis: Int32,
                                naming name: String) throws(WireProxyError) -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        setNonBlocking(descriptor)
        let started = Glibc.connect(descriptor, address.assumingMemoryBound(to: sockaddr.self), length)
        if started != 0 {
            guard errno == EINPROGRESS else {
                let error = failure("connect to \(name)")
                close(descriptor)
                throw error
            }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            var socketError: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard poll(&waiting, 1, timeoutMillis) == 1,
                  getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &size) == 0, socketError == 0 else {
                close(descriptor)
                throw WireProxyError(description: "connect to \(name): "
                    + (socketError != 0 ? String(cString: strerror(socketError)) : "no answer in \(timeoutMillis) ms"))
            }
        }
        if family != AF_UNIX {
            // Statements are small messages: Nagle would hold each for the previous one's ACK.
            var on: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        return descriptor
    }

    static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    static func accept(_ listener: Int32) -> Int32? {
        let descriptor = Glibc.accept(listener, nil, nil)
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        setNonBlocking(descriptor)
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    private static func failure(_ call: String) -> WireProxyError {
        WireProxyError(description: "\(call): \(String(cString: strerror(errno)))")
    }
}
