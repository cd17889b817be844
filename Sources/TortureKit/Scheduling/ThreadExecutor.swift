import Foundation

/// A serial executor backed by a thread of its own. Store calls block (sqlite3, libpq): on the
/// cooperative pool, two threads here, 64 blocking processors would run two at a time and hide
/// every race. One thread per processor lets them all be inside the store at once.
///
/// Also its participant's preferred task executor: work the participant's task resumes outside
/// the actor (a nonisolated async call, a continuation resumed from another thread) runs on
/// this thread too, instead of on the global pool and then hopping back — two thread wake-ups.
public final class ThreadExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var finished = false

    public init(name: String) {
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        precondition(!finished, "job enqueued on a ThreadExecutor after shutdown")
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Runs what is queued, then ends the thread and waits for it. The thread holds the executor
    /// alive until then, so an executor is never freed under a running job.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        assert(jobs.isEmpty, "a ThreadExecutor that finished has run every job queued")
        condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                assert(!finished, "a ThreadExecutor's thread finishes once")
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            assert(batch.isEmpty, "the previous batch ran to its end before the next is taken")
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
