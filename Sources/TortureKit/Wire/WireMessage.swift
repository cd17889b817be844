/// One message of the v3 protocol after startup: a type byte, then a big-endian length that
/// counts itself and the body.
struct WireMessage: Equatable {
    var type: UInt8
    var body: [UInt8]

    /// PostgreSQL's own limit on a message (MaxAllocSize): anything longer is not PostgreSQL.
    static let maximumLength = 0x3FFF_FFFF

    var bytes: [UInt8] {
        var bytes = [type]
        bytes.reserveCapacity(body.count + 5)
        bytes.appendBigEndian(UInt32(body.count + 4))
        bytes += body
        return bytes
    }

    static func query(_ text: String) -> WireMessage {
        WireMessage(type: UInt8(ascii: "Q"), body: Array(text.utf8) + [0])
    }

    static let sync = WireMessage(type: UInt8(ascii: "S"), body: [])
}

/// Reads a message body front to back; a read past the end answers empty values, and
/// `isTruncated` says so.
struct WireBodyReader {
    private let body: [UInt8]
    private var offset = 0
    private(set) var isTruncated = false

    init(_ body: [UInt8]) {
        self.body = body
    }

    mutating func cString() -> String {
        guard let end = body[offset...].firstIndex(of: 0) else {
            isTruncated = true
            offset = body.count
            return ""
        }
        defer { offset = end + 1 }
        return String(decoding: body[offset..<end], as: UTF8.self)
    }

    mutating func byte() -> UInt8 {
        guard offset < body.count else {
            isTruncated = true
            return 0
        }
        defer { offset += 1 }
        return body[offset]
    }

    mutating func int32() -> Int32 {
        guard offset + 4 <= body.count else {
            isTruncated = true
            offset = body.count
            return 0
        }
        defer { offset += 4 }
        return Int32(bitPattern: UInt32(bigEndianBytes: body[offset..<offset + 4]))
    }

    var isAtEnd: Bool { offset >= body.count }
}

/// Bytes as they arrive, cut into whole messages.
struct WireFramer {
    private var buffer: [UInt8] = []
    private var start = 0

    mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer += bytes
    }

    /// The next whole message; nil until one has arrived. Throws on a length no PostgreSQL peer sends.
    mutating func next() throws(WireProtocolViolation) -> WireMessage? {
        guard buffer.count - start >= 5 else { return nil }
        let length = Int(UInt32(bigEndianBytes: buffer[start + 1..<start + 5]))
        guard length >= 4, length <= WireMessage.maximumLength else {
            throw WireProtocolViolation(description: "a message of type \(buffer[start]) claims \(length) bytes")
        }
        guard buffer.count - start >= length + 1 else { return nil }
        let message = WireMessage(type: buffer[start], body: Array(buffer[start + 5..<start + 1 + length]))
        start += length + 1
        compactIfMostlyRead()
        return message
    }

    /// The startup phase's untyped packet: a length that counts itself, then the rest.
    mutating func nextStartupPacket() throws(WireProtocolViolation) -> [UInt8]? {
        guard buffer.count - start >= 4 else { return nil }
        let length = Int(UInt32(bigEndianBytes: buffer[start..<start + 4]))
        // The server's own bound (MAX_STARTUP_PACKET_LENGTH).
        guard length >= 8, length <= 10_000 else {
            throw WireProtocolViolation(description: "a startup packet claims \(length) bytes")
        }
        guard buffer.count - start >= length else { return nil }
        let packet = Array(buffer[start..<start + length])
        start += length
        compactIfMostlyRead()
        return packet
    }

    private mutating func compactIfMostlyRead() {
        if start > 65_536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}

/// A peer sent what PostgreSQL's protocol does not allow: the proxy closes the connection.
struct WireProtocolViolation: Error, CustomStringConvertible {
    var description: String
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}

extension UInt32 {
    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

extension WireMessage {
    /// An ErrorResponse of the proxy's own: only for what the server cannot say itself (it cannot
    /// be reached).
    static func fatalError(sqlState: String, message: String) -> WireMessage {
        var body: [UInt8] = []
        for (code, value) in [("S", "FATAL"), ("V", "FATAL"), ("C", sqlState), ("M", message)] {
            body.append(UInt8(ascii: Unicode.Scalar(code)!))
            body += Array(value.utf8) + [0]
        }
        return WireMessage(type: UInt8(ascii: "E"), body: body + [0])
    }
}
