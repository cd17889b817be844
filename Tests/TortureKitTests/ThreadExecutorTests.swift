import Foundation
import Synchronization
import Testing
@testable import TortureKit

/// An actor pinned to the executor it is given, as processors are.
private actor PinnedWorker {
    let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: ThreadExecutor) {
        self.executor = executor
    }

    /// Blocks its thread, like a store call, until every worker is blocked at once (or a generous
    /// deadline passes). Returns the most workers it saw blocked together.
    func blockUntilAll(_ count: Int, inFlight: InFlightCounter) -> Int {
        var most = inFlight.increment()
        let deadline = Date().addingTimeInterval(20)
        while most < count, Date() < deadline {
            usleep(1_000)
            most = max(most, inFlight.value)
        }
        return most
    }
}

@Suite struct ThreadExecutorTests {
    @Test func sixteenBlockedActorsAreAllInsideAtOnce() async {
        // On the cooperative pool (2 threads here) at most 2 could block at the same time.
        let count = 16
        let inFlight = InFlightCounter()
        let executors = (0..<count).map { ThreadExecutor(name: "test-\($0)") }
        defer { executors.forEach { $0.shutdown() } }
        let workers = executors.map { PinnedWorker(executor: $0) }
        let seen = await withTaskGroup(of: Int.self) { group in
            for worker in workers { group.addTask { await worker.blockUntilAll(count, inFlight: inFlight) } }
            var most = 0
            for await value in group { most = max(most, value) }
            return most
        }
        #expect(seen == count)
    }

    @Test func jobsOfOneActorRunInOrderOnItsOwnThread() async {
        let executor = ThreadExecutor(name: "test-order")
        defer { executor.shutdown() }
        let recorder = OrderRecorder(executor: executor)
        for value in 0..<200 { await recorder.append(value) }
        #expect(await recorder.values == Array(0..<200))
        let threadCount = await recorder.threads.count
        #expect(threadCount == 1, "one actor's jobs ran on \(threadCount) threads")
    }

    @Test func aTaskPreferringTheExecutorRunsItsNonisolatedCallsOnItsThread() async {
        // What a processor's task does outside its actor (a nonisolated async call, a
        // continuation resumed from another thread) stays on the processor's thread instead of
        // hopping through the global pool and back.
        let executor = ThreadExecutor(name: "test-preferred")
        defer { executor.shutdown() }
        let recorder = OrderRecorder(executor: executor)
        let threads = await Task(executorPreference: executor) {
            await recorder.append(0)
            var seen: Set<ObjectIdentifier> = []
            for _ in 0..<20 {
                seen.insert(await currentThreadAfterResumingFromElsewhere())
                await recorder.append(1)
            }
            return seen.union(await recorder.threads)
        }.value
        #expect(threads.count == 1, "the task's calls ran on \(threads.count) threads")
    }
}

/// Suspends, is resumed from a thread of Dispatch's, and reports the thread it then runs on.
private nonisolated func currentThreadAfterResumingFromElsewhere() async -> ObjectIdentifier {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
        DispatchQueue.global().async { continuation.resume() }
    }
    return currentThread()
}

private func currentThread() -> ObjectIdentifier { ObjectIdentifier(Thread.current) }

private actor OrderRecorder {
    let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    var values: [Int] = []
    var threads: Set<ObjectIdentifier> = []

    init(executor: ThreadExecutor) {
        self.executor = executor
    }

    func append(_ value: Int) {
        values.append(value)
        threads.insert(ObjectIdentifier(Thread.current))
    }
}

private final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() -> Int { count.add(1, ordering: .sequentiallyConsistent).newValue }
    var value: Int { count.load(ordering: .sequentiallyConsistent) }
}
