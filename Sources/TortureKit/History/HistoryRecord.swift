/// One history event as bytes, the way a processor's log holds it: a flags byte, the time since
/// the log's previous event, the delivery's numbers, and strings (subjects, details) written in
/// full the first time and as a number after that, and the values a step kept (columns as
/// strings, values tagged: see `appendValues`). About 12–16 bytes for a typical event, against
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

    /// The least a record takes: a byte each for the flags, the time, the worker, the delivery's
    /// four numbers and the subject's tag.
    static let minimumBytes = 8

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
        assert(roles.count <= 8, "a role's code fits the flags' three bits")
        return UInt8(StepRole.allCases.firstIndex(of: role)! + 1)
    }

    /// Numbers strings on the writing side: the reader numbers them in the same order.
    struct StringTable {
        private var numbers: [String: Int] = [:]
        /// The strings numbered last, looked at before `numbers`: a log writes the same few
        /// subjects over and over, and comparing two copies of one string costs less than
        /// hashing it.
        private var recent: [(text: String, number: Int)] = []
        private var nextRecent = 0
        private static let recentCount = 8

        mutating func append(_ text: String, to bytes: inout [UInt8]) {
            for entry in recent where entry.text == text {
                Varint.append(UInt64(entry.number) << 1, to: &bytes)
                return
            }
            if let number = numbers[text] {
                remember(text, number)
                Varint.append(UInt64(number) << 1, to: &bytes)
                return
            }
            if numbers.count < HistoryRecord.stringTableLimit {
                remember(text, numbers.count)
                numbers[text] = numbers.count
            }
            let utf8 = Array(text.utf8)
            Varint.append(UInt64(utf8.count) << 1 | 1, to: &bytes)
            bytes.append(contentsOf: utf8)
        }

        private mutating func remember(_ text: String, _ number: Int) {
            if recent.count < Self.recentCount {
                recent.append((text, number))
            } else {
                recent[nextRecent] = (text, number)
                nextRecent = (nextRecent + 1) % Self.recentCount
            }
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
        detail: String?, rowsReturned: Int?, rowsAffected: Int?, lease: Int?, values: StepValues? = nil,
        fact: HistoryFact? = nil, strings: inout StringTable, to bytes: inout [UInt8]
    ) {
        var flags = kindCode(kind) | roleCode(role) << roleShift
        assert(flags & (hasDetail | hasRows | hasLease) == 0, "the kind and role leave the flags' presence bits clear")
        if detail != nil { flags |= hasDetail }
        if rowsReturned != nil || rowsAffected != nil { flags |= hasRows }
        if lease != nil { flags |= hasLease }
        ByteBatch.append(to: &bytes) { batch in
            batch.byte(flags)
            batch.varint(timeDeltaNanos)
            batch.varint(UInt64(worker))
            // An actor's tick has a negative message (−1 − actor).
            batch.varint(signed: delivery.message)
            batch.varint(UInt64(delivery.copy))
            batch.varint(UInt64(delivery.attempt))
            // The flags byte is full: whether values and a fact follow are the subscriber's low
            // bits (a subscriber number is small, so it still takes one byte).
            batch.varint(UInt64(delivery.subscriber) << 2 | (fact == nil ? 0 : 2) | (values == nil ? 0 : 1))
        }
        strings.append(subject, to: &bytes)
        if let detail { strings.append(detail, to: &bytes) }
        if flags & hasRows != 0 || lease != nil {
            ByteBatch.append(to: &bytes) { batch in
                if flags & hasRows != 0 {
                    batch.varint(optional: rowsReturned)
                    batch.varint(optional: rowsAffected)
                }
                if let lease { batch.varint(signed: lease) }
            }
        }
        if let values { appendValues(values, strings: &strings, to: &bytes) }
        let beforeFact = bytes.count
        fact?.append(to: &bytes)
        assert(fact == nil || (1...8).contains(bytes.count - beforeFact), "a fact takes its tag and at most seven bytes")
    }

    /// Reads one record; `previousNanos` is the log's previous event's time (0 at its start).
    static func read(_ reader: inout ByteReader, previousNanos: UInt64, strings: inout StringList) -> HistoryEvent {
        let flags = reader.byte()
        let timeNanos = previousNanos &+ reader.varint()
        let worker = reader.int()
        let message = reader.signed(), copy = reader.int(), attempt = reader.int(), subscriberAndValues = reader.int()
        let subscriber = subscriberAndValues >> 2
        let subject = strings.read(&reader)
        let detail = flags & hasDetail != 0 ? strings.read(&reader) : nil
        var rowsReturned: Int?, rowsAffected: Int?, values: StepValues?
        if flags & hasRows != 0 {
            rowsReturned = readOptional(&reader)
            rowsAffected = readOptional(&reader)
        }
        let lease = flags & hasLease != 0 ? reader.signed() : nil
        if subscriberAndValues & 1 != 0 { values = readValues(&reader, strings: &strings) }
        let fact = subscriberAndValues & 2 != 0 ? HistoryFact.read(&reader) : nil
        return HistoryEvent(
            timeNanos: timeNanos, worker: worker,
            delivery: Delivery(message: message, copy: copy, attempt: attempt, subscriber: subscriber),
            kind: kinds[Int(flags & kindMask)], subject: subject, role: roles[Int(flags >> roleShift & 0b111)], detail: detail,
            rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease, values: values, fact: fact)
    }

    private enum ValueTag: UInt8 {
        case null, integer, real, text, falseValue, trueValue
    }

    /// The column count, then per column its name (a string of the table: a step's columns
    /// repeat) and its value: a tag byte, then a zigzagged integer, a real's 8 bytes, or a text's
    /// length and UTF-8 in full (values rarely repeat, so they stay out of the table).
    private static func appendValues(_ values: StepValues, strings: inout StringTable, to bytes: inout [UInt8]) {
        // Fields a caller may set: zip would drop the unmatched ones silently.
        assert(values.columns.count == values.values.count, "a step's values hold one value per column")
        Varint.append(UInt64(values.columns.count), to: &bytes)
        for (column, value) in zip(values.columns, values.values) {
            strings.append(column, to: &bytes)
            switch value {
            case .null:
                bytes.append(ValueTag.null.rawValue)
            case .integer(let number):
                bytes.append(ValueTag.integer.rawValue)
                Varint.append(signed: Int(number), to: &bytes)
            case .real(let number):
                bytes.append(ValueTag.real.rawValue)
                withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            case .text(let text):
                bytes.append(ValueTag.text.rawValue)
                let utf8 = Array(text.utf8)
                Varint.append(UInt64(utf8.count), to: &bytes)
                bytes.append(contentsOf: utf8)
            case .boolean(let flag):
                bytes.append((flag ? ValueTag.trueValue : ValueTag.falseValue).rawValue)
            }
        }
    }

    private static func readValues(_ reader: inout ByteReader, strings: inout StringList) -> StepValues {
        let count = reader.int()
        var columns: [String] = [], values: [SQLValue] = []
        columns.reserveCapacity(count)
        values.reserveCapacity(count)
        for _ in 0..<count {
            columns.append(strings.read(&reader))
            switch ValueTag(rawValue: reader.byte())! {
            case .null: values.append(.null)
            case .integer: values.append(.integer(Int64(reader.signed())))
            case .real:
                var bits: UInt64 = 0
                for shift in 0..<8 { bits |= UInt64(reader.byte()) << (8 * UInt64(shift)) }
                values.append(.real(Double(bitPattern: bits)))
            case .text:
                let count = reader.int()
                values.append(.text(reader.text(count: count)))
            case .falseValue: values.append(.boolean(false))
            case .trueValue: values.append(.boolean(true))
            }
        }
        return StepValues(columns: columns, values: values)
    }


    private static func readOptional(_ reader: inout ByteReader) -> Int? {
        let tag = reader.varint()
        return tag == 0 ? nil : Varint.unzigzag(tag - 1)
    }
}

extension ByteBatch {
    /// 0 for nil, else the zigzagged value plus one: a row count is never `Int.min`.
    mutating func varint(optional value: Int?) {
        guard let value else { return byte(0) }
        precondition(value != .min, "a row count is never Int.min")
        varint(Varint.zigzag(value) + 1)
    }
}
