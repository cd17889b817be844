/// One history event as bytes, the way a processor's log holds it: a flags byte, the time since
/// the log's previous event, the delivery's numbers, and strings (subjects, details) written in
/// full the first time and as a number after that. About 12–16 bytes for a typical event, against
/// some 150 for a `HistoryEvent` and its strings. Records are read in order from the log's
/// start, which is how the reader rebuilds the string table.
enum HistoryRecord {
    /// Distinct strings a log numbers; past it a string is written in full each time, so a
    /// detail unique to each event (an error naming a key) cannot grow the table without bound.
    static let stringTableLimit = 4_096
    private static let kindMask: UInt8 = 0b11
    private static let roleShift: UInt8 = 2
    private static let hasDetail: UInt8 = 1 << 5
    private static let hasRows: UInt8 = 1 << 6
    private static let hasLease: UInt8 = 1 << 7

    static let kinds: [HistoryEvent.Kind] = [.invoke, .ok, .fail, .info]
    static let roles: [StepRole?] = [nil] + StepRole.allCases

    static func kindCode(_ kind: HistoryEvent.Kind) -> UInt8 {
        switch kind {
        case .invoke: 0
        case .ok: 1
        case .fail: 2
        case .info: 3
        }
    }

    static func roleCode(_ role: StepRole?) -> UInt8 {
        guard let role else { return 0 }
        return UInt8(StepRole.allCases.firstIndex(of: role)! + 1)
    }

    /// Numbers strings on the writing side: the reader numbers them in the same order.
    struct StringTable {
        private var numbers: [String: Int] = [:]

        mutating func append(_ text: String, to bytes: inout [UInt8]) {
            if let number = numbers[text] {
                Varint.append(UInt64(number) << 1, to: &bytes)
                return
            }
            if numbers.count < HistoryRecord.stringTableLimit { numbers[text] = numbers.count }
            let utf8 = Array(text.utf8)
            Varint.append(UInt64(utf8.count) << 1 | 1, to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    /// The reading side of `StringTable`.
    struct StringList {
        private var texts: [String] = []

        mutating func read(_ reader: inout ByteReader) -> String {
            let tag = reader.varint()
            if tag & 1 == 0 { return texts[Int(tag >> 1)] }
            let text = reader.text(count: Int(tag >> 1))
            if texts.count < HistoryRecord.stringTableLimit { texts.append(text) }
            return text
        }
    }

    static func append(
        timeDeltaNanos: UInt64, worker: Int, delivery: Delivery, kind: HistoryEvent.Kind, subject: String, role: StepRole?,
        detail: String?, rowsReturned: Int?, rowsAffected: Int?, lease: Int?,
        strings: inout StringTable, to bytes: inout [UInt8]
    ) {
        var flags = kindCode(kind) | roleCode(role) << roleShift
        if detail != nil { flags |= hasDetail }
        if rowsReturned != nil || rowsAffected != nil { flags |= hasRows }
        if lease != nil { flags |= hasLease }
        bytes.append(flags)
        Varint.append(timeDeltaNanos, to: &bytes)
        Varint.append(UInt64(worker), to: &bytes)
        Varint.append(UInt64(delivery.message), to: &bytes)
        Varint.append(UInt64(delivery.copy), to: &bytes)
        Varint.append(UInt64(delivery.attempt), to: &bytes)
        Varint.append(UInt64(delivery.subscriber), to: &bytes)
        strings.append(subject, to: &bytes)
        if let detail { strings.append(detail, to: &bytes) }
        if flags & hasRows != 0 {
            appendOptional(rowsReturned, to: &bytes)
            appendOptional(rowsAffected, to: &bytes)
        }
        if let lease { Varint.append(signed: lease, to: &bytes) }
    }

    /// Reads one record; `previousNanos` is the log's previous event's time (0 at its start).
    static func read(_ reader: inout ByteReader, previousNanos: UInt64, strings: inout StringList) -> HistoryEvent {
        let flags = reader.byte()
        let timeNanos = previousNanos &+ reader.varint()
        let worker = reader.int()
        let message = reader.int(), copy = reader.int(), attempt = reader.int(), subscriber = reader.int()
        let subject = strings.read(&reader)
        let detail = flags & hasDetail != 0 ? strings.read(&reader) : nil
        var rowsReturned: Int?, rowsAffected: Int?
        if flags & hasRows != 0 {
            rowsReturned = readOptional(&reader)
            rowsAffected = readOptional(&reader)
        }
        let lease = flags & hasLease != 0 ? reader.signed() : nil
        return HistoryEvent(
            timeNanos: timeNanos, worker: worker,
            delivery: Delivery(message: message, copy: copy, attempt: attempt, subscriber: subscriber),
            kind: kinds[Int(flags & kindMask)], subject: subject, role: roles[Int(flags >> roleShift & 0b111)], detail: detail,
            rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease)
    }

    /// 0 for nil, else the zigzagged value plus one: a row count is never `Int.min`.
    private static func appendOptional(_ value: Int?, to bytes: inout [UInt8]) {
        guard let value else { return bytes.append(0) }
        precondition(value != .min, "a row count is never Int.min")
        Varint.append(Varint.zigzag(value) + 1, to: &bytes)
    }

    private static func readOptional(_ reader: inout ByteReader) -> Int? {
        let tag = reader.varint()
        return tag == 0 ? nil : Varint.unzigzag(tag - 1)
    }
}
