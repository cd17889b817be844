import Foundation
import Testing
@testable import TortureKit

/// An actor on a shared `PollingExecutor`, as processors on PostgreSQL are.
private actor SocketWaiter {
    let executor: PollingExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    var threads: Set<UInt> = []

    init(executor: PollingExecutor) {
        self.executor = executor
    }

    func waitReadable(_ descriptor: Int32, timeoutMillis: Int32) async -> Bool {
        threads.insert(UInt(bitPattern: Int(pthread_self())))
        let readable = await executor.readable(descriptor, timeoutMillis: timeoutMillis)
        threads.insert(UInt(bitPattern: Int(pthread_self())))
        return readable
    }

    func write(_ descriptor: Int32) {
        threads.insert(UInt(bitPattern: Int(pthread_self())))
        var byte: UInt8 = 7
        _ = Foundation.write(descriptor, &byte, 1)
    }
}

private func makePipe() -> (read: Int32, write: Int32) {
    var ends: [Int32] = [0, 0]
    precondition(pipe(&ends) == 0)
    return (ends[0], ends[1])
}

@Suite struct PollingExecutorTests {
    @Test func aWaitingActorLeavesTheThreadToTheOthers() async {
        // One thread: if `readable` blocked it, the writer on the same thread could never run.
        let executor = PollingExecutor(name: "test-polling")
        defer { executor.shutdown() }
        let pipes = (0..<4).map { _ in makePipe() }
        defer { pipes.forEach { close($0.read); close($0.write) } }
        let waiters = pipes.map { _ in SocketWaiter(executor: executor) }
        let writer = SocketWaiter(executor: executor)
        let answered = await withTaskGroup(of: Bool.self) { group in
            for (waiter, pipe) in zip(waiters, pipes) {
                group.addTask(executorPreference: executor) { await waiter.waitReadable(pipe.read, timeoutMillis: 20_000) }
            }
            group.addTask(executorPreference: executor) {
                try? await Task.sleep(nanoseconds: 20_000_000)
                for pipe in pipes.reversed() { await writer.write(pipe.write) }
                return true
            }
            var all: [Bool] = []
            for await value in group { all.append(value) }
            return all
        }
        #expect(answered == [Bool](repeating: true, count: 5))
        var threads: Set<UInt> = await writer.threads
        for waiter in waiters { threads.formUnion(await waiter.threads) }
        #expect(threads.count == 1, "five actors on one PollingExecutor ran on \(threads.count) threads")
    }

    @Test func aSilentSocketTimesOut() async {
        let executor = PollingExecutor(name: "test-polling-timeout")
        defer { executor.shutdown() }
        let pipe = makePipe()
        defer { close(pipe.read); close(pipe.write) }
        let waiter = SocketWaiter(executor: executor)
        let started = Date()
        let readable = await waiter.waitReadable(pipe.read, timeoutMillis: 50)
        #expect(!readable)
        #expect(Date().timeIntervalSince(started) >= 0.045, "the wait ended before its timeout")
    }
}
