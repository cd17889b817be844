import Foundation

/// A serial executor on a thread of its own that several processors share, the way pgbench's
/// `-j` threads each serve several clients: a processor whose statement is at the server
/// suspends on its socket (`readable`) instead of blocking the thread, the thread runs the
/// others meanwhile, and it sleeps in one `poll` over every waiting socket only when none of them
/// has work. Each processor still has a statement at the server whenever it would with a thread
/// of its own, so every race at the store stays reachable; what goes is a context switch or two a
/// statement, on a machine whose cores the server needs (docs/ARCHITECTURE.md, "Facts").
///
/// Only for participants that never block: the built-in step handler on PostgreSQL, whose
/// statements all go through `readable`. A call that blocks here stalls every processor on the
/// thread, and one that waits on a lock another of them holds would wait for good.
final class PollingExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var finished = false
    /// The thread is in (or about to enter) its blocking `poll`: an enqueue from elsewhere wakes it.
    private var sleeping = false

    /// Touched only on the executor's own thread: by the loop, and by the jobs it runs.
    private var waiters: [Waiter] = []
    /// A pipe whose read end is in every blocking `poll`: one byte wakes the thread.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private struct Waiter {
        var descriptor: Int32
        var deadlineNanos: UInt64
        var continuation: UnsafeContinuation<Bool, Never>
    }

    init(name: String) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("PollingExecutor: pipe() failed, errno \(errno)") }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, O_NONBLOCK)
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock()
        precondition(!finished, "job enqueued on a PollingExecutor after shutdown")
        jobs.append(job)
        let wake = sleeping
        sleeping = false
        lock.unlock()
        if wake { wakeUp() }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Also the preferred executor of its processors' tasks: a continuation resumed here runs
    /// here, instead of on the global pool and then hopping back (two thread wake-ups).
    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Suspends the calling job until `descriptor` is readable (true) or `timeoutMillis` passed
    /// (false). Called only from a job running on this executor.
    nonisolated(nonsending) func readable(_ descriptor: Int32, timeoutMillis: Int32) async -> Bool {
        let deadline = Self.monotonicNanos() &+ UInt64(max(0, timeoutMillis)) * 1_000_000
        return await withUnsafeContinuation { continuation in
            waiters.append(Waiter(descriptor: descriptor, deadlineNanos: deadline, continuation: continuation))
        }
    }

    /// Runs what is queued and waits for every suspended job's socket, then ends the thread and
    /// waits for it.
    func shutdown() {
        lock.lock()
        stopping = true
        let wake = sleeping
        sleeping = false
        lock.unlock()
        if wake { wakeUp() }
        lock.lock()
        while !finished { lock.wait() }
        lock.unlock()
        close(wakeRead)
        close(wakeWrite)
    }

    private func wakeUp() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        var descriptors: [pollfd] = []
        while true {
            lock.lock()
            if jobs.isEmpty {
                if stopping && waiters.isEmpty {
                    finished = true
                    lock.broadcast()
                    lock.unlock()
                    return
                }
                sleeping = true
                lock.unlock()
                pollWaiters(blocking: true, &descriptors)
                continue
            }
            swap(&batch, &jobs)
            lock.unlock()
            for job in batch { job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
            // Busy with jobs: the sockets are still looked at between batches, so an answer that
            // arrived is not left behind a processor that keeps the thread to itself.
            if !waiters.isEmpty { pollWaiters(blocking: false, &descriptors) }
        }
    }

    /// One `poll` over the waiting sockets (and, when blocking, the wake pipe, until the nearest
    /// deadline): resumes each job whose socket is readable or whose time ran out.
    private func pollWaiters(blocking: Bool, _ descriptors: inout [pollfd]) {
        descriptors.removeAll(keepingCapacity: true)
        for waiter in waiters { descriptors.append(pollfd(fd: waiter.descriptor, events: Int16(POLLIN), revents: 0)) }
        var timeout: Int32 = 0
        if blocking {
            descriptors.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            timeout = -1
            if let nearest = waiters.lazy.map(\.deadlineNanos).min() {
                let now = Self.monotonicNanos()
                timeout = nearest <= now ? 0 : Int32(min((nearest - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            }
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
        if ready < 0 && errno != EINTR { fatalError("PollingExecutor: poll failed, errno \(errno)") }
        if blocking {
            // Awake before resuming anyone: a resume enqueues here, and must not write the pipe.
            lock.lock()
            sleeping = false
            lock.unlock()
            if let wake = descriptors.last, wake.revents != 0 {
                var drained = (0 as UInt64, 0 as UInt64)
                while read(wakeRead, &drained, MemoryLayout.size(ofValue: drained)) > 0 {}
            }
        }
        let now = Self.monotonicNanos()
        var index = 0
        var slot = 0
        while index < waiters.count {
            let answered = descriptors[slot].revents != 0
            slot += 1
            if answered || waiters[index].deadlineNanos <= now {
                // Resuming enqueues the job on this executor: it runs in the next batch.
                waiters.remove(at: index).continuation.resume(returning: answered)
            } else {
                index += 1
            }
        }
    }

    private static func monotonicNanos() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
