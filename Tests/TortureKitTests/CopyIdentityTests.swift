import Testing
@testable import TortureKit

/// Copies are named by where they came from. The old arithmetic (10 000 × copy + 16 × min(attempt,
/// 99) + point) made an injected copy of copy 100 collide with republished copies, and folded
/// every receive past the 99th into one copy.
@Suite struct CopyIdentityTests {
    @Test func injectedCopiesOfAHundredCopiesNeverMeetRepublishedOrPublishedOnes() {
        var seen: [Int: CopyOrigin] = [:]
        for copy in 1...100 {
            seen[CopyOrigin.published(copy).code] = .published(copy)
        }
        for count in 1...1_000 {
            let origin = CopyOrigin.republished(count)
            #expect(seen.updateValue(origin, forKey: origin.code) == nil, "\(origin) collides")
        }
        for copy in [1, 2, 99, 100] {
            for attempt in [1, 2, 99, 100, 101, 999, 1_000] {
                for point in InjectionPoint.allCases {
                    let delivery = Delivery(message: 3, copy: copy, attempt: attempt)
                    let code = Delivery.injectedCopy(of: delivery, at: point)
                    let origin = CopyOrigin.injected(fromCopy: copy, attempt: attempt, point: point)
                    #expect(seen.updateValue(origin, forKey: code) == nil, "\(origin) collides with another copy")
                    #expect(CopyOrigin(code: code) == origin)
                }
            }
        }
    }

    @Test func receivesPastTheNinetyNinthStayDistinctInTheQueueTally() {
        // Two duplicates injected at the same point of receives 100 and 101 of one copy: two entries.
        let first = Delivery.injectedCopy(of: Delivery(message: 0, copy: 1, attempt: 100), at: .afterClaim)
        let second = Delivery.injectedCopy(of: Delivery(message: 0, copy: 1, attempt: 101), at: .afterClaim)
        #expect(first != second)
        let tally = QueueTally(messages: 1, subscribers: 1, deliveriesPerMessage: 1)
        var time: UInt64 = 0
        func event(_ copy: Int, _ kind: HistoryEvent.Kind, _ subject: String, fact: HistoryFact? = nil) -> HistoryEvent {
            time += 1
            return HistoryEvent(timeNanos: time, worker: 0, delivery: Delivery(message: 0, copy: copy, attempt: 1), kind: kind,
                                subject: subject, fact: fact)
        }
        tally.observe(event(first, .invoke, HistoryEvent.Subject.delivery))
        tally.observe(event(first, .ok, HistoryEvent.Subject.processed))
        tally.observe(event(first, .ok, HistoryEvent.Subject.delivery, fact: .acknowledged(.done)))
        tally.observe(event(second, .invoke, HistoryEvent.Subject.delivery))
        let entries = tally.entries(receivedAtLeast: 1)
        #expect(entries.map(\.key.copy) == [first, second].sorted(), "each duplicate is an entry of its own")
        #expect(entries.filter { !$0.entry.acknowledged }.map(\.key.copy) == [second], "the second is still unacknowledged")
    }

    @Test func labelsSayWhereACopyCameFrom() {
        let injected = Delivery.injectedCopy(of: Delivery(message: 417, copy: 2, attempt: 3), at: .afterClaim)
        #expect(Delivery(message: 417, copy: injected, attempt: 1).label == "m-00417/2#3@after-claim#1")
        #expect(Delivery(message: 417, copy: CopyOrigin.republished(1).code, attempt: 2).label == "m-00417/r1#2")
        #expect(Delivery(message: 417, copy: 2, attempt: 3, subscriber: 1).label == "s1:m-00417/2#3")
    }
}

/// The history hash covers what happened — typed facts — and not the words a detail uses.
@Suite struct HistoryHashTests {
    private func hash(_ events: [HistoryEvent]) -> UInt64 {
        var hash = ContentHash()
        for event in events { event.hash(into: &hash) }
        return hash.value
    }

    private func events(detail: (Int) -> String, fact: HistoryFact = .acknowledged(.skip)) -> [HistoryEvent] {
        (0..<20).map { index in
            HistoryEvent(timeNanos: UInt64(index), worker: index % 3, delivery: Delivery(message: index, attempt: 1), kind: .ok,
                         subject: HistoryEvent.Subject.delivery, detail: detail(index), fact: index == 7 ? fact : nil)
        }
    }

    @Test func rewordingADetailChangesNoHash() {
        let original = events { "skip \($0)" }
        let reworded = events { "acknowledged as a duplicate (\($0))" }
        #expect(hash(original) == hash(reworded))
    }

    @Test func aDifferentFactChangesTheHash() {
        #expect(hash(events(detail: { _ in "" })) != hash(events(detail: { _ in "" }, fact: .acknowledged(.done))))
        #expect(hash(events(detail: { _ in "" }, fact: .fault(.stall, .afterClaim)))
            != hash(events(detail: { _ in "" }, fact: .fault(.stall, .afterRead))))
    }
}
