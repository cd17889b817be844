import Foundation
import Synchronization

/// Deterministic execution: every processor actor and every task of a run executes on one thread,
/// the driver, which picks the next runnable job with the seed. Time is virtual: sleeping
/// registers a timer, and when nothing can run the clock jumps to the earliest one. The same seed
/// gives the same interleaving; work enqueued from any other thread is counted as foreign, and a
/// run that has any is not trusted to replay.
public final class SimulationScheduler: @unchecked Sendable {
    public enum Strategy: Sendable, Equatable {
        /// Each step, a uniformly random runnable lane.
        case random
        /// Probabilistic concurrency testing: random lane priorities, `depth - 1` priority change
        /// points over the first `horizon` steps; always the highest-priority runnable lane.
        case pct(depth: Int, horizon: Int)
    }

    public struct Statistics: Sendable, Equatable {
        public var jobsRun = 0
        public var timersFired = 0
        public var foreignEnqueues = 0
        public var deadlocked = false
        /// The run took more jobs than its budget and was stopped unfinished.
        public var budgetExhausted = false
        public var virtualNanos: UInt64 = 0
    }

    // Everything below is guarded by `lock`: enqueues may arrive from any thread (counted).
    private let lock = NSCondition()
    private var lanes: [SimulationLane] = []
    private var queues: [[UnownedJob]] = []
    /// Lanes with queued jobs, kept as the queues change so a step never scans every lane.
    private var runnable: [Int] = []
    private var runnablePosition: [Int] = []
    private var timers = MinHeap<SimulationTimer>()
    private var timerSequence = 0
    private var generator: SeededGenerator
    /// Its own stream: how much virtual time each job takes (the machine's speed).
    private var jobTimes: SeededGenerator
    private var strategy: PriorityStrategy
    private var nowNanos: UInt64 = 0
    private var statistics = Statistics()
    private var driverStarted = false
    /// Jobs ever enqueued: each is run once or still queued (`jobsRun + queued == jobsEnqueued`).
    private var jobsEnqueued = 0
    /// The wake time of the timer fired last: timers fire in (wake, sequence) order.
    private var lastFiredWakeNanos: UInt64 = 0

    /// The task lane's queue: registered first, before any actor's lane.
    static let taskLaneIndex = 0

    /// Virtual time one job takes.
    static let jobNanos: Range<UInt64> = 500..<5_000

    /// How long an idle driver waits for foreign work before it declares a deadlock.
    static let foreignGraceSeconds = 0.25

    /// The lane tasks prefer: task-group children run here between actor hops.
    public private(set) var taskExecutor: SimulationTaskLane!

    /// Jobs the driver runs at most; past them the run is stopped as unfinished, never a hang.
    private let jobBudget: Int

    private let onBudgetExhausted: @Sendable () -> Void
    /// Asked when nothing is runnable and no timer is due: work the simulation waits for outside
    /// itself (a server session parked on a lock) may still wake a lane. True when it did.
    private var onIdle: (@Sendable () -> Bool)?

    public func whenIdle(_ body: @escaping @Sendable () -> Bool) {
        lock.lock()
        onIdle = body
        lock.unlock()
    }

    public init(seed: Seed, strategy: Strategy, jobBudget: Int = 1 << 40, onBudgetExhausted: @escaping @Sendable () -> Void = {}) {
        precondition(jobBudget > 0, "a simulation needs a positive job budget")
        self.jobBudget = jobBudget
        self.onBudgetExhausted = onBudgetExhausted
        // A different stream from the fault plan's and the schedule's, derived from the same seed.
        generator = SeededGenerator(seed: Mix.combine(seed.value, 0x5C4E_D01E))
        jobTimes = SeededGenerator(seed: Mix.combine(seed.value, 0x10B_71AE))
        self.strategy = PriorityStrategy(strategy)
        let taskLane = SimulationTaskLane(scheduler: self)
        taskExecutor = taskLane
        let taskLaneIndex = register(nil)
        precondition(taskLaneIndex == Self.taskLaneIndex, "the task lane is registered first")
    }

    /// A serial executor for one actor.
    public func makeLane() -> SimulationLane {
        let lane = SimulationLane(scheduler: self, index: lanes.count + 1)
        _ = register(lane)
        return lane
    }

    private func register(_ lane: SimulationLane?) -> Int {
        lock.lock()
        defer { lock.unlock() }
        assert(queues.count == runnablePosition.count, "every lane has a queue and a runnable position")
        if let lane {
            assert(lane.index == queues.count, "an actor's lane is numbered after the lanes registered before it")
            lanes.append(lane)
        }
        queues.append([])
        runnablePosition.append(-1)
        strategy.addLane(using: &generator)
        assert(queues.count == runnablePosition.count && lanes.count == queues.count - 1,
               "the lanes, queues and runnable positions grow together (the task lane has no actor)")
        return queues.count - 1
    }

    func enqueue(_ job: UnownedJob, lane: Int) {
        lock.lock()
        defer { lock.unlock() }
        if driverStarted && !DriverThread.isCurrent { statistics.foreignEnqueues += 1 }
        assert(queues[lane].isEmpty == (runnablePosition[lane] < 0), "a lane is runnable exactly when its queue holds a job")
        queues[lane].append(job)
        jobsEnqueued += 1
        if runnablePosition[lane] < 0 {
            runnablePosition[lane] = runnable.count
            runnable.append(lane)
        }
        assert(runnable[runnablePosition[lane]] == lane, "a runnable lane sits where its position says")
        lock.signal()
    }

    /// Virtual time, read without moving it. Every job the driver runs advances it first, so
    /// two jobs never share a time and the history's time order is the order in which things ran
    /// (events of one job share its time and keep their order within the participant's log).
    public func now() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return nowNanos
    }

    func addTimer(afterNanos delay: UInt64, _ continuation: UnsafeContinuation<Void, Never>) {
        lock.lock()
        defer { lock.unlock() }
        if driverStarted && !DriverThread.isCurrent { statistics.foreignEnqueues += 1 }
        let timer = SimulationTimer(wakeNanos: nowNanos + max(1, delay), sequence: timerSequence, continuation: continuation)
        assert(timer.wakeNanos > lastFiredWakeNanos, "a timer set now wakes after every timer already fired")
        timers.push(timer)
        timerSequence += 1
    }

    /// Runs `body` as a task on this scheduler and drives every job it leads to on a thread of
    /// its own until the body returns. Returns the body's value (nil if the run deadlocked) and
    /// what the driver saw.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> (value: T?, statistics: Statistics) {
        let box = ResultBox<T>()
        let task = Task(executorPreference: taskExecutor) {
            let value = await body()
            box.store(value)
        }
        let statistics = await withCheckedContinuation { (finished: CheckedContinuation<Statistics, Never>) in
            let thread = Thread { [self] in
                DriverThread.mark()
                finished.resume(returning: drive(until: { box.isSet }))
            }
            thread.name = "torture-simulation"
            thread.stackSize = 8 << 20
            thread.start()
        }
        _ = task
        return (box.take(), statistics)
    }

    /// The driver loop: one job at a time, chosen by the strategy; when nothing is runnable, the
    /// earliest timer fires; when there is no timer either and the body has not finished, the run
    /// is deadlocked.
    private func drive(until finished: () -> Bool) -> Statistics {
        lock.lock()
        driverStarted = true
        lock.unlock()
        while true {
            lock.lock()
            // Time passes while lanes run (a job costs 0.5–5 µs of virtual time, as on a slow
            // machine), so a timer can come due while others are runnable: it fires then.
            if let due = timers.first, due.wakeNanos <= nowNanos, !runnable.isEmpty {
                _ = timers.popFirst()
                fired(due)
                lock.unlock()
                due.continuation.resume()
                continue
            }
            if runnable.isEmpty {
                if let timer = timers.popFirst() {
                    let before = nowNanos
                    nowNanos = max(nowNanos, timer.wakeNanos)
                    assert(nowNanos >= before && nowNanos >= timer.wakeNanos, "virtual time jumps forward to a timer, never back")
                    fired(timer)
                    lock.unlock()
                    timer.continuation.resume()
                    continue
                }
                if !finished(), let onIdle {
                    lock.unlock()
                    if onIdle() { continue }
                    lock.lock()
                }
                if !finished() {
                    // Nothing of ours can run. Work from another thread may still arrive (it is
                    // counted as foreign and fails the run); wait a moment for it before calling
                    // this a deadlock.
                    if lock.wait(until: Date().addingTimeInterval(Self.foreignGraceSeconds)) {
                        lock.unlock()
                        continue
                    }
                    statistics.deadlocked = true
                }
                assertQuiescent()
                statistics.virtualNanos = nowNanos
                let result = statistics
                lock.unlock()
                return result
            }
            if statistics.jobsRun == jobBudget {
                // Ask the run to wind down, and give it a tenth more to hand back what it has.
                statistics.budgetExhausted = true
                onBudgetExhausted()
            }
            guard statistics.jobsRun < jobBudget + jobBudget / 10 + 100_000 else {
                assert(statistics.budgetExhausted, "a run is stopped past its budget only after it was asked to wind down")
                statistics.virtualNanos = nowNanos
                let result = statistics
                lock.unlock()
                return result
            }
            let lane = strategy.choose(among: runnable, step: statistics.jobsRun, using: &generator)
            assert(runnablePosition[lane] >= 0 && runnable[runnablePosition[lane]] == lane, "the strategy chooses a runnable lane")
            assert(!queues[lane].isEmpty, "a runnable lane has a job queued")
            let job = queues[lane].removeFirst()
            if queues[lane].isEmpty { removeRunnable(lane) }
            assert(queues[lane].isEmpty == (runnablePosition[lane] < 0), "a lane whose queue ran dry leaves the runnable set, only then")
            statistics.jobsRun += 1
            assert(statistics.jobsRun <= jobsEnqueued, "a job runs only after it was enqueued, once")
            let before = nowNanos
            nowNanos += Self.jobNanos.lowerBound + jobTimes.next() % UInt64(Self.jobNanos.count)
            assert(nowNanos > before, "every job moves virtual time forward")
            let serial = lane == Self.taskLaneIndex ? nil : lanes[lane - 1]
            lock.unlock()
            if let serial {
                job.runSynchronously(isolatedTo: serial.asUnownedSerialExecutor(), taskExecutor: taskExecutor.asUnownedTaskExecutor())
            } else {
                job.runSynchronously(on: taskExecutor.asUnownedTaskExecutor())
            }
        }
    }
}

extension SimulationScheduler {
    /// Swap-with-last removal: the order of `runnable` changes, but the same way for a seed.
    fileprivate func removeRunnable(_ lane: Int) {
        let position = runnablePosition[lane]
        assert(position >= 0 && runnable[position] == lane, "only a runnable lane leaves the runnable set")
        let last = runnable.removeLast()
        if last != lane {
            runnable[position] = last
            runnablePosition[last] = position
        }
        runnablePosition[lane] = -1
        assert(last == lane || runnable[runnablePosition[last]] == last, "the lane moved into the gap sits where its position says")
    }

    /// A timer fired: in (wake, sequence) order, never before its time. Called with the lock held.
    fileprivate func fired(_ timer: SimulationTimer) {
        assert(timer.wakeNanos <= nowNanos, "a timer fires at its wake time or later")
        assert(timer.wakeNanos >= lastFiredWakeNanos, "timers fire in the order of their wake times")
        lastFiredWakeNanos = timer.wakeNanos
        statistics.timersFired += 1
        assert(statistics.timersFired <= timerSequence, "a timer fires only after it was set, once")
    }

    /// The driver ends with nothing runnable and no timer (a finished run, or a deadlock): every
    /// queue is empty, no lane is runnable, and every job enqueued has run. Work from another
    /// thread may arrive while the driver waits unlocked, so a run that had foreign work is only
    /// held to the agreement of the runnable set and its positions. Called with the lock held.
    fileprivate func assertQuiescent() {
        assert(runnableAgrees(), "the runnable set and the lanes' positions agree")
        guard statistics.foreignEnqueues == 0 else { return }
        assert(runnable.isEmpty && queues.allSatisfy(\.isEmpty), "a simulation ends with every lane's queue empty")
        assert(timers.isEmpty, "a simulation ends with no timer left")
        assert(statistics.jobsRun == jobsEnqueued, "every job enqueued ran, once")
    }

    /// `runnable[runnablePosition[lane]] == lane` for every runnable lane, -1 for the others, and
    /// a lane is runnable exactly when its queue holds a job.
    private func runnableAgrees() -> Bool {
        guard runnablePosition.count == queues.count else { return false }
        for (position, lane) in runnable.enumerated() where runnablePosition[lane] != position { return false }
        for lane in queues.indices where (runnablePosition[lane] >= 0) == queues[lane].isEmpty { return false }
        return runnable.count == runnablePosition.lazy.filter { $0 >= 0 }.count
    }
}

/// The serial executor of one simulated actor: its jobs go to the scheduler's queue for its lane.
public final class SimulationLane: SerialExecutor, @unchecked Sendable {
    private unowned let scheduler: SimulationScheduler
    let index: Int

    init(scheduler: SimulationScheduler, index: Int) {
        self.scheduler = scheduler
        self.index = index
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        scheduler.enqueue(UnownedJob(job), lane: index)
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}

/// Where tasks that prefer the scheduler run when they are not on an actor.
public final class SimulationTaskLane: TaskExecutor, @unchecked Sendable {
    private unowned let scheduler: SimulationScheduler

    init(scheduler: SimulationScheduler) {
        self.scheduler = scheduler
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        scheduler.enqueue(UnownedJob(job), lane: SimulationScheduler.taskLaneIndex)
    }
}

/// Which thread is the driver. A thread-local, not `pthread_self()`: glibc declares that `const`,
/// and the compiler may hoist it across an `await`.
enum DriverThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func mark() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }

    static var isCurrent: Bool { pthread_getspecific(key) != nil }
}

/// The body's value, handed from the driver thread to the awaiting caller.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?

    func store(_ newValue: T) {
        lock.lock()
        value = newValue
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value != nil
    }

    func take() -> T? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
