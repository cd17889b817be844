import Foundation

/// `history.jsonl`: one JSON object per event, keys sorted, as `JSONEncoder` with `.sortedKeys`
/// and `.withoutEscapingSlashes` writes a `HistoryEvent` — but streamed from the history's logs
/// a megabyte at a time and encoded by hand, since a million-message run has tens of millions of
/// events and an encoder per event would take minutes.
enum HistoryJSONLines {
    static let flushBytes = 1 << 20

    /// Writes next to `path` and renames into place, so a reader never sees half a file.
    static func write(_ history: History, to path: String) throws {
        let partial = path + ".partial"
        guard let file = fopen(partial, "w") else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial])
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushBytes + 4_096)
        var failed = false
        func flush() {
            if !buffer.isEmpty, fwrite(buffer, 1, buffer.count, file) != buffer.count { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        for event in history {
            append(event, to: &buffer)
            if buffer.count >= flushBytes { flush() }
        }
        flush()
        if fclose(file) != 0 { failed = true }
        guard !failed, rename(partial, path) == 0 else {
            unlink(partial)
            throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path])
        }
    }

    static func line(_ event: HistoryEvent) -> String {
        var bytes: [UInt8] = []
        append(event, to: &bytes)
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }

    static func append(_ event: HistoryEvent, to bytes: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func number(_ name: StaticString, _ value: Int) {
            key(name)
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDigits(value.magnitude, to: &bytes)
        }
        func text(_ name: StaticString, _ value: String) {
            key(name)
            appendString(value, to: &bytes)
        }
        number("attempt", event.attempt)
        number("copy", event.copy)
        if let detail = event.detail { text("detail", detail) }
        if let fact = event.fact { text("fact", fact.text) }
        number("index", event.index)
        text("kind", event.kind.rawValue)
        if let lease = event.lease { number("lease", lease) }
        number("message", event.message)
        if let role = event.role { text("role", role.rawValue) }
        if let rowsAffected = event.rowsAffected { number("rowsAffected", rowsAffected) }
        if let rowsReturned = event.rowsReturned { number("rowsReturned", rowsReturned) }
        text("subject", event.subject)
        number("subscriber", event.subscriber)
        key("timeNanos")
        appendDigits(event.timeNanos, to: &bytes)
        if let values = event.values {
            key("values")
            appendValues(values, to: &bytes)
        }
        number("worker", event.worker)
        bytes.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// As `StepValues` encodes itself: `[["id","c1"],["value",41]]`.
    static func appendValues(_ values: StepValues, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (position, (column, value)) in zip(values.columns, values.values).enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            appendString(column, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            switch value {
            case .null: bytes.append(contentsOf: Array("null".utf8))
            case .integer(let number):
                if number < 0 { bytes.append(UInt8(ascii: "-")) }
                appendDigits(number.magnitude, to: &bytes)
            case .real(let number):
                // Rare, and JSONEncoder's spelling of a double is its own: ask it.
                let encoded = (try? JSONEncoder().encode([number])).map { Array($0.dropFirst().dropLast()) } ?? Array("null".utf8)
                bytes.append(contentsOf: encoded)
            case .text(let text): appendString(text, to: &bytes)
            case .boolean(let flag): bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Decimal digits without making a `String`: tens of millions of numbers per file.
    static func appendDigits(_ value: UInt64, to bytes: inout [UInt8]) {
        guard value >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(value)) }
        appendDigits(value / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    static func appendDigits(_ value: UInt, to bytes: inout [UInt8]) {
        appendDigits(UInt64(value), to: &bytes)
    }

    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
