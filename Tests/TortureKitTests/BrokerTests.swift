import Testing
@testable import TortureKit

@Suite struct BrokerTests {
    let millis: UInt64 = 1_000_000

    func broker(messages: Int = 1, copies: Int = 1, visibility: Int = 100, maxReceives: Int = 3, retryDelay: Int = 10, subscribers: Int = 1) -> Broker {
        let workload = Workload(messages: messages, deliveriesPerMessage: copies, concurrentDeliveries: copies)
        let policy = DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: visibility, maxReceiveCount: maxReceives,
                                    retryDelayMillis: retryDelay, subscribers: subscribers)
        return Broker(schedule: DeliverySchedule.make(seed: Seed(1), workload: workload), messages: messages, policy: policy)
    }

    func lease(_ receive: Broker.Receive, sourceLocation: SourceLocation = #_sourceLocation) throws -> Broker.Lease {
        guard case .delivery(let lease) = receive else {
            Issue.record("expected a delivery, got \(receive)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return lease
    }

    @Test func aLeaseHidesTheMessageUntilItRunsOutThenItIsReceivedAgain() throws {
        let broker = broker(visibility: 100)
        let first = try lease(broker.receive(nowNanos: 1))
        #expect(first.delivery == Delivery(message: 0, copy: 1, attempt: 1))
        #expect(broker.receive(nowNanos: 50 * millis) == .wait(untilNanos: 1 + 100 * millis))
        let second = try lease(broker.receive(nowNanos: 101 * millis))
        #expect(second.delivery.attempt == 2)
        #expect(second.token > first.token)
        #expect(!broker.acknowledge(first), "the zombie's ack must be refused")
        #expect(broker.acknowledge(second))
        #expect(broker.receive(nowNanos: 500 * millis) == .drained)
    }

    @Test func aLeaseThatRanOutButWasNotTakenCanStillAcknowledge() throws {
        let broker = broker(visibility: 100)
        let first = try lease(broker.receive(nowNanos: 1))
        #expect(broker.acknowledge(first))
        #expect(broker.receive(nowNanos: 500 * millis) == .drained)
    }

    @Test func aNackMakesTheMessageVisibleAfterTheRetryDelay() throws {
        let broker = broker(visibility: 1_000, retryDelay: 10)
        let first = try lease(broker.receive(nowNanos: 1))
        #expect(broker.release(first, nowNanos: 5 * millis))
        #expect(broker.receive(nowNanos: 6 * millis) == .wait(untilNanos: 15 * millis))
        #expect(try lease(broker.receive(nowNanos: 15 * millis)).delivery.attempt == 2)
        #expect(!broker.release(first, nowNanos: 16 * millis), "a stale lease cannot nack")
    }

    /// The edge of maxReceiveCount: N failed receives are allowed, the N+1th receive dead-letters.
    @Test func pastMaxReceiveCountTheMessageIsDeadLetteredNotDelivered() throws {
        let broker = broker(maxReceives: 3, retryDelay: 0)
        var now: UInt64 = 1
        for attempt in 1...3 {
            let current = try lease(broker.receive(nowNanos: now))
            #expect(current.delivery.attempt == attempt)
            broker.release(current, nowNanos: now)
            now += 1
        }
        #expect(broker.receive(nowNanos: now) == .deadLettered(Delivery(message: 0, copy: 1, attempt: 3)))
        // Until its DLQ write is done the entry is still in the queue: nobody may call it drained.
        #expect(broker.receive(nowNanos: now + 1) == .wait(untilNanos: now + 1 + Broker.heldPollNanos))
        broker.deadLetterSettled()
        #expect(broker.receive(nowNanos: now + 2) == .drained)
    }

    @Test func theLastAllowedReceiveMaySucceed() throws {
        let broker = broker(maxReceives: 2, retryDelay: 0)
        broker.release(try lease(broker.receive(nowNanos: 1)), nowNanos: 1)
        #expect(broker.acknowledge(try lease(broker.receive(nowNanos: 2))))
        #expect(broker.receive(nowNanos: 3) == .drained)
    }

    @Test func fanOutDeliversEachMessageToEachSubscriber() throws {
        let broker = broker(messages: 4, subscribers: 3)
        var seen = Set<Delivery>()
        while case .delivery(let current) = broker.receive(nowNanos: 1) {
            seen.insert(current.delivery)
            #expect(broker.acknowledge(current))
        }
        #expect(seen.count == 12)
        #expect(Set(seen.map(\.subscriber)) == [0, 1, 2])
        #expect(broker.receive(nowNanos: 2) == .drained)
    }

    @Test func anInjectedDuplicateJumpsTheQueueAndSpawnsNoMore() throws {
        let broker = broker(messages: 10)
        let first = try lease(broker.receive(nowNanos: 1))
        let copy = try #require(broker.publishDuplicate(of: first.delivery, at: .afterRead))
        #expect(copy.isInjectedCopy && copy.message == first.delivery.message)
        let next = try lease(broker.receive(nowNanos: 2))
        #expect(next.delivery.copy == copy.copy, "the republished copy is visible at once")
        #expect(broker.publishDuplicate(of: next.delivery, at: .afterRead) == nil)
        #expect(broker.publishedEntries == 11)
    }

    /// The broker holds entries from their first receive until they leave the queue, never the
    /// whole workload: a million-message run holds what is in flight.
    @Test func theBrokerHoldsOnlyWhatIsInFlight() throws {
        let messages = 10_000
        let broker = Broker(schedule: DeliverySchedule(seed: Seed(3), workload: Workload(messages: messages, deliveriesPerMessage: 2,
                                                                                       concurrentDeliveries: 1)),
                            policy: DeliveryPolicy(preset: .sqs, visibilityTimeoutMillis: 100, maxReceiveCount: 3, retryDelayMillis: 0,
                                                   subscribers: 1))
        #expect(broker.heldEntries == 0)
        #expect(broker.publishedEntries == 2 * messages)
        var inFlight: [Broker.Lease] = []
        var received = Set<Delivery>()
        while case .delivery(let lease) = broker.receive(nowNanos: 1) {
            received.insert(lease.delivery)
            inFlight.append(lease)
            #expect(broker.heldEntries == inFlight.count)
            if inFlight.count == 8 {
                for lease in inFlight { #expect(broker.acknowledge(lease)) }
                inFlight.removeAll()
                #expect(broker.heldEntries == 0)
            }
        }
        for lease in inFlight { #expect(broker.acknowledge(lease)) }
        #expect(received.count == 2 * messages)
        #expect(broker.receive(nowNanos: 2) == .drained)
        #expect(broker.heldEntries == 0)
    }
}
