import Foundation
import Testing
@testable import TortureKit

@Suite struct HistoryLogTests {
    /// Events with every field set and unset, odd strings, large numbers.
    static func sampleEvents(worker: Int, count: Int, startNanos: UInt64 = 0) -> [HistoryEvent] {
        let details: [String?] = [nil, "done", "skip", "after-read: delay 3 ms", "ünïcode \"quoted\" \\ back\nline\ttab \u{01}",
                                  String(repeating: "long ", count: 40_000)]
        return (0..<count).map { position in
            HistoryEvent(
                timeNanos: startNanos + UInt64(position) * 997 + (position % 3 == 0 ? 0 : 1),
                worker: worker, delivery: Delivery(message: position * 7919 % 100_003, copy: position % 5 == 0 ? 10_000 + position : 1 + position % 4,
                                                   attempt: 1 + position % 3, subscriber: position % 2),
                kind: HistoryRecord.kinds[position % 4], subject: position % 6 == 0 ? "claim-\(position % 11)" : HistoryEvent.Subject.delivery,
                role: HistoryRecord.roles[position % 5], detail: details[position % details.count] ?? (position % 97 == 0 ? "unique \(position)" : nil),
                rowsReturned: position % 4 == 0 ? nil : position % 9 - 2, rowsAffected: position % 5 == 0 ? nil : Int.max - position,
                lease: position % 3 == 0 ? nil : position * 1_000_003)
        }
    }

    @Test func aLogReadsBackWhatWasAppendedInMemoryAndSpilled() throws {
        let folder = TemporaryDirectory()
        for share in [Int.max, HistoryBudget.minimumShareBytes, 1] {
            let log = HistoryLog(shareBytes: share, spillDirectory: folder.path)
            let events = Self.sampleEvents(worker: 3, count: 5_000)
            for event in events { log.append(event) }
            #expect(log.spillError == nil)
            let sealed = log.sealed()
            #expect((sealed.spilledBytes > 0) == (share != Int.max))
            let read = Array(History(logs: [sealed]))
            #expect(read.map { event in var copy = event; copy.index = 0; return copy } == events)
            // Spill files are unlinked as soon as they are made: nothing is left in the folder.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    /// Events with kept step values (NULL, integers, text, booleans, a real), beside events
    /// without, and an actor's tick (a negative message).
    static func eventsWithValues(count: Int) -> [HistoryEvent] {
        let samples: [StepValues?] = [
            StepValues(columns: ["id", "value"], values: [.text("c1"), .integer(41)]),
            nil,
            StepValues(columns: ["value"], values: [.null]),
            StepValues(columns: ["held", "n", "note"], values: [.boolean(true), .integer(-9_000_000_000), .text("ünï \"q\"\n")]),
            StepValues(columns: ["held", "ratio"], values: [.boolean(false), .real(0.25)]),
            StepValues(columns: [], values: []),
            StepValues(columns: ["value"], values: [.integer(Int64.max)]),
        ]
        return (0..<count).map { position in
            let values = samples[position % samples.count]
            let delivery = position % 10 == 9 ? ActorTick(actor: position % 3, instance: 1, tick: position).recordFields
                : Delivery(message: position, copy: 1, attempt: 1)
            let facts: [HistoryFact?] = [
                nil, .acknowledged(.skip), .fault(.stall, .afterClaim), .storeError(.serializationFailure, sqlState: "40P01"),
                .storeError(.busy, sqlState: nil), .ackRefused, .acknowledged(.swallowed),
            ]
            return HistoryEvent(timeNanos: UInt64(position) * 1_000, worker: 4, delivery: delivery, kind: values == nil ? .invoke : .ok,
                                subject: position % 2 == 0 ? "read" : "write", role: .read,
                                rowsReturned: values == nil || position % 4 == 1 ? nil : 1, values: values,
                                fact: facts[position % facts.count])
        }
    }

    @Test func stepValuesSurviveTheLogAndASpill() throws {
        let folder = TemporaryDirectory()
        let events = Self.eventsWithValues(count: 700)
        for share in [Int.max, 1] {
            let log = HistoryLog(shareBytes: share, spillDirectory: folder.path)
            for event in events { log.append(event) }
            #expect(log.spillError == nil)
            let sealed = log.sealed()
            #expect((sealed.spilledBytes > 0) == (share != Int.max))
            let read = Array(History(logs: [sealed]))
            #expect(read.map { event in var copy = event; copy.index = 0; return copy } == events)
            #expect(read.compactMap(\.values).count == events.compactMap(\.values).count)
            #expect(read[3].values?["n"] == .integer(-9_000_000_000))
            #expect(read[2].values?["value"] == .null)
            #expect(read[9].actorTick != nil)
        }
    }

    @Test func moreDistinctStringsThanTheTableHoldsStillReadBack() {
        let log = HistoryLog(shareBytes: .max, spillDirectory: "")
        let events = (0..<(HistoryRecord.stringTableLimit * 2)).map { position in
            HistoryEvent(timeNanos: UInt64(position), worker: 0, delivery: Delivery(message: position, attempt: 1), kind: .info,
                         subject: "s\(position % 3)", detail: "detail \(position) " + (position % 2 == 0 ? "even" : "odd"))
        }
        for event in events { log.append(event) }
        #expect(Array(History(logs: [log.sealed()])).map(\.detail) == events.map(\.detail))
    }

    /// The merge is the old one — every event sorted by (time, position in the concatenated
    /// logs) — done as a k-way merge.
    @Test func mergingOrdersByTimeThenLogThenPosition() {
        let logs = (0..<7).map { worker in Self.sampleEvents(worker: worker, count: 300, startNanos: UInt64(worker % 3) * 50) }
        let expected = logs.flatMap { $0 }.enumerated()
            .sorted { ($0.element.timeNanos, $0.offset) < ($1.element.timeNanos, $1.offset) }
            .enumerated().map { position, entry in var event = entry.element; event.index = position; return event }
        let history = History(merging: logs)
        #expect(Array(history) == expected)
        #expect(Array(history) == expected, "a second pass reads the same")
        #expect(history.count == expected.count)
        #expect(history.firstTimeNanos == expected.first?.timeNanos)
        #expect(history.lastTimeNanos == expected.last?.timeNanos)
    }

    @Test func aProcessorsLogIsCompact() {
        let log = HistoryLog(shareBytes: .max, spillDirectory: "")
        for position in 0..<10_000 {
            log.append(timeNanos: UInt64(position) * 20_000, worker: 12, delivery: Delivery(message: 400_000 + position, copy: 2, attempt: 1),
                       kind: .ok, subject: "claim", role: .claim, rowsReturned: 0, rowsAffected: 1)
        }
        let bytesPerEvent = Double(log.sealed().tail.count) / 10_000
        #expect(bytesPerEvent < 16, "\(bytesPerEvent) bytes per event")
    }

    @Test func historyJSONLinesMatchTheEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for event in Self.sampleEvents(worker: 2, count: 60) + Self.eventsWithValues(count: 14) + [HistoryEvent(timeNanos: 1, worker: 0, delivery: Delivery(message: 0, attempt: 1),
                                                                              kind: .fail, subject: "a/b", detail: "\u{7f}\u{1f}é/")] {
            #expect(HistoryJSONLines.line(event) == String(decoding: try encoder.encode(event), as: UTF8.self))
        }
    }

    @Test func historyJSONLinesWritesEveryEventOnce() throws {
        let folder = TemporaryDirectory()
        let history = History(merging: [Self.sampleEvents(worker: 0, count: 500), Self.sampleEvents(worker: 1, count: 500)])
        try HistoryJSONLines.write(history, to: folder.path + "/history.jsonl")
        let lines = try String(contentsOfFile: folder.path + "/history.jsonl", encoding: .utf8).split(separator: "\n")
        let decoded = try lines.map { try JSONDecoder().decode(HistoryEvent.self, from: Data($0.utf8)) }
        #expect(decoded == Array(history))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["history.jsonl"])
    }
}
