/// LEB128: seven bits a byte, low first. History fields are mostly small (a worker, an attempt,
/// microseconds between two events of one processor), so most take one or two bytes.
enum Varint {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    static func append(signed value: Int, to bytes: inout [UInt8]) {
        append(zigzag(value), to: &bytes)
    }

    static func zigzag(_ value: Int) -> UInt64 {
        let encoded = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        assert(unzigzag(encoded) == value, "zigzag encoding round-trips")
        return encoded
    }

    static func unzigzag(_ value: UInt64) -> Int {
        Int(Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
    }
}

/// Bytes encoded into stack memory and appended to an array at once: a record's fixed fields are
/// a handful of varints, and appending them to an array byte by byte costs more than encoding.
struct ByteBatch {
    /// The most a batch holds: eight 10-byte varints.
    static let capacity = 80

    /// Runs `fill` on a fresh batch and appends what it wrote to `bytes`.
    static func append(to bytes: inout [UInt8], _ fill: (inout ByteBatch) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { memory in
            var batch = ByteBatch(memory: memory.baseAddress!)
            fill(&batch)
            bytes.append(contentsOf: UnsafeBufferPointer(start: memory.baseAddress!, count: batch.count))
        }
    }

    private let memory: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    private init(memory: UnsafeMutablePointer<UInt8>) {
        self.memory = memory
    }

    mutating func byte(_ value: UInt8) {
        precondition(count < Self.capacity, "a byte batch holds \(Self.capacity) bytes")
        memory[count] = value
        count += 1
    }

    mutating func varint(_ value: UInt64) {
        precondition(count + 10 <= Self.capacity, "a byte batch holds \(Self.capacity) bytes")
        var rest = value
        while rest >= 0x80 {
            memory[count] = UInt8(truncatingIfNeeded: rest) | 0x80
            count += 1
            rest >>= 7
        }
        memory[count] = UInt8(rest)
        count += 1
    }

    mutating func varint(signed value: Int) {
        varint(Varint.zigzag(value))
    }
}

/// Reads what `Varint` and `HistoryRecord` wrote, from a buffer the caller refills.
struct ByteReader {
    private(set) var bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }

    /// Keeps the unread bytes and appends more after them.
    mutating func refill(_ more: [UInt8]) {
        bytes.removeSubrange(0..<position)
        bytes.append(contentsOf: more)
        position = 0
    }

    mutating func byte() -> UInt8 {
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = bytes[position]
            position += 1
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
            // Past ten bytes the shift would drop bits silently: the bytes are no varint.
            assert(shift < 64, "a varint takes at most ten bytes")
        }
    }

    mutating func int() -> Int { Int(varint()) }

    mutating func signed() -> Int { Varint.unzigzag(varint()) }

    mutating func text(count: Int) -> String {
        defer { position += count }
        return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
    }
}
