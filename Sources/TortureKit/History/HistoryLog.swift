/// One processor's append-only log, encoded (`HistoryRecord`), each record behind its length.
/// Records go to an in-memory buffer; when the buffer reaches the processor's share of the
/// budget it is appended to the processor's `SpillFile` and reused. Owned by one processor and
/// touched only on its executor: no lock, and no runtime exclusivity check, on the hot path.
final class HistoryLog {
    private let shareBytes: Int
    private let spillDirectory: String
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var record: [UInt8] = []
    @exclusivity(unchecked) private var strings = HistoryRecord.StringTable()
    private var file: SpillFile?
    @exclusivity(unchecked) private var fileBytes = 0
    @exclusivity(unchecked) private var lastNanos: UInt64 = 0
    @exclusivity(unchecked) private var firstNanos: UInt64?
    @exclusivity(unchecked) private(set) var count = 0
    /// Set when writing to disk failed: the run ends as a store failure.
    private(set) var spillError: StoreError?

    init(shareBytes: Int, spillDirectory: String) {
        self.shareBytes = shareBytes
        self.spillDirectory = spillDirectory
    }

    convenience init(budget: HistoryBudget, logs: Int) {
        self.init(shareBytes: budget.shareBytes(logs: logs), spillDirectory: budget.spillDirectory)
    }

    // Fields rather than a `HistoryEvent`: the processor's hot path builds no event value.
    func append(
        timeNanos: UInt64, worker: Int, delivery: Delivery, kind: HistoryEvent.Kind, subject: String, role: StepRole? = nil,
        detail: String? = nil, rowsReturned: Int? = nil, rowsAffected: Int? = nil, lease: Int? = nil, values: StepValues? = nil,
        fact: HistoryFact? = nil
    ) {
        precondition(timeNanos >= lastNanos, "a processor's history goes forward in time")
        record.removeAll(keepingCapacity: true)
        HistoryRecord.append(
            timeDeltaNanos: timeNanos - lastNanos, worker: worker, delivery: delivery, kind: kind, subject: subject, role: role,
            detail: detail, rowsReturned: rowsReturned, rowsAffected: rowsAffected, lease: lease, values: values,
            fact: fact, strings: &strings, to: &record)
        assert(record.count >= HistoryRecord.minimumBytes, "an encoded record holds at least its fixed fields")
        Varint.append(UInt64(record.count), to: &buffer)
        buffer.append(contentsOf: record)
        if firstNanos == nil { firstNanos = timeNanos }
        lastNanos = timeNanos
        count += 1
        if buffer.count >= shareBytes { spill() }
        assert(buffer.count < shareBytes || spillError != nil, "a log's buffer stays under its share unless writing to disk failed")
        assert(firstNanos! <= lastNanos, "a log's first event is no later than its last")
    }

    func append(_ event: HistoryEvent) {
        append(timeNanos: event.timeNanos, worker: event.worker, delivery: event.delivery, kind: event.kind, subject: event.subject,
               role: event.role, detail: event.detail, rowsReturned: event.rowsReturned, rowsAffected: event.rowsAffected,
               lease: event.lease, values: event.values, fact: event.fact)
    }

    private func spill() {
        guard spillError == nil else { return }
        assert(!buffer.isEmpty, "a log spills only what it buffered")
        do throws(StoreError) {
            if file == nil { file = try SpillFile(directory: spillDirectory) }
            try file!.append(buffer)
            let before = fileBytes
            fileBytes += buffer.count
            buffer.removeAll(keepingCapacity: true)
            assert(fileBytes > before && buffer.isEmpty, "a spill moves the whole buffer to the file")
        } catch {
            // The log keeps growing in memory: the run is reported as a store failure, not lost.
            spillError = error
        }
    }

    /// What readers need, once the processor stopped writing.
    func sealed() -> SealedLog {
        assert(count > 0 || (fileBytes == 0 && buffer.isEmpty), "an empty log holds no bytes")
        assert(count == 0 || fileBytes + buffer.count >= count * (HistoryRecord.minimumBytes + 1), "a log holds each record's bytes")
        assert(file != nil || fileBytes == 0, "a log has bytes on disk only in a spill file")
        return SealedLog(file: file, fileBytes: fileBytes, tail: buffer, count: count, firstNanos: firstNanos ?? 0, lastNanos: lastNanos)
    }

    /// Bytes this log holds in memory now.
    var memoryBytes: Int { buffer.capacity }
}

/// A finished log: the part on disk, the part in memory, and enough to order logs without
/// reading them.
struct SealedLog: Sendable {
    var file: SpillFile?
    var fileBytes: Int
    var tail: [UInt8]
    var count: Int
    var firstNanos: UInt64
    var lastNanos: UInt64

    var spilledBytes: Int { fileBytes }
}

/// Reads a sealed log from its start: the file in chunks, then the in-memory tail in place.
struct SealedLogReader {
    static let chunkBytes = 64 << 10

    private let log: SealedLog
    private var reader = ByteReader()
    private var fileOffset = 0
    private var inTail = false
    private var previousNanos: UInt64 = 0
    private var strings = HistoryRecord.StringList()
    private var read = 0

    init(_ log: SealedLog) {
        self.log = log
    }

    mutating func next() -> HistoryEvent? {
        guard read < log.count else { return nil }
        ensure(10)
        assert(reader.remaining > 0, "a sealed log holds a record for each it counts")
        let length = reader.int()
        ensure(length)
        assert(reader.remaining >= length, "a record is whole within the file or the tail, never split between them")
        let start = reader.position
        let event = HistoryRecord.read(&reader, previousNanos: previousNanos, strings: &strings)
        assert(reader.position == start + length, "a record decodes from exactly the bytes its length says")
        assert(event.timeNanos >= previousNanos, "a log's records go forward in time")
        assert(read > 0 || event.timeNanos == log.firstNanos, "a log's first record is at its first time")
        previousNanos = event.timeNanos
        read += 1
        if read == log.count {
            assert(event.timeNanos == log.lastNanos, "a log's last record is at its last time")
            assert(reader.remaining == 0 && fileOffset == log.fileBytes && (inTail || log.tail.isEmpty),
                   "a sealed log holds nothing past its last record")
        }
        return event
    }

    /// Makes `bytes` readable, or as many as the current part (file or tail) has left: the log
    /// writes whole records to the file, so a record never straddles the file and the tail.
    private mutating func ensure(_ bytes: Int) {
        while reader.remaining < bytes {
            if fileOffset < log.fileBytes {
                let count = min(max(Self.chunkBytes, bytes), log.fileBytes - fileOffset)
                assert(count > 0 && log.file != nil, "a log's unread file bytes are in its spill file")
                reader.refill(log.file!.read(at: fileOffset, count: count))
                fileOffset += count
            } else if !inTail, reader.remaining == 0 {
                // In place: the tail array is shared, not copied.
                reader = ByteReader(log.tail)
                inTail = true
            } else {
                return
            }
        }
    }
}
