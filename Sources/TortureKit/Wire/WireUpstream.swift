/// Where the proxy connects: a TCP host and port, or — as libpq reads a host that starts with
/// `/` — the server's Unix socket `<folder>/.s.PGSQL.<port>`.
enum WireUpstream: Sendable, Equatable {
    case tcp(host: String, port: Int)
    case unixSocket(path: String)

    init(host: String, port: Int) {
        self = host.hasPrefix("/") ? .unixSocket(path: "\(host)/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
    }
}

/// The proxy could not do what it was asked: a socket call failed.
public struct WireProxyError: Error, CustomStringConvertible {
    public var description: String
}
