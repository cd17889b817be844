/// FNV-1a over bytes: identifies a scenario file's content and a fault plan, not a security boundary.
public struct ContentHash: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    public mutating func add(_ word: UInt64) {
        withUnsafeBytes(of: word.littleEndian) { add(bytes: $0) }
    }

    public mutating func add(_ text: String) {
        add(bytes: text.utf8)
        add(bytes: [0])
    }

    public static func of(_ text: String) -> UInt64 {
        var hash = ContentHash()
        hash.add(text)
        return hash.value
    }
}

extension UInt64 {
    /// `0x` and 16 hex digits: hashes print at a fixed width so they line up and compare by eye.
    public var fixedHex: String {
        let digits = String(self, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
