import Foundation

/// The run's participants: the processors and the scenario's actor instances, each on an
/// executor of its own (a thread, or a lane of the simulation), connected first and then started
/// together.
extension RunEngine {
    /// One executor per processor and per actor instance: a thread each, or a lane of the
    /// simulation. All connect first; then all run at once; the processing time counts from the
    /// start of the second phase.
    func runParticipants(
        _ context: ProcessorContext, simulation: SimulationScheduler?
    ) async -> (results: [ProcessorResult], actors: [ActorResult], processingNanos: UInt64, statistics: SimulationScheduler.Statistics?) {
        let clock = context.clock
        guard let simulation else {
            let (executors, shutdown) = processorExecutors(context)
            let actorExecutors = actorSlots.map { ThreadExecutor(name: "torture-\($0.actor.instanceName($0.instance))") }
            defer {
                shutdown()
                actorExecutors.forEach { $0.shutdown() }
            }
            let processors = executors.enumerated().map { Processor(worker: $0, context: context, executor: $1) }
            let actors = makeActors(context, executors: actorExecutors)
            let (results, actorResults, nanos) = await Self.connectAndRun(processors, actors, clock: clock, preferring: nil)
            return (results, actorResults, nanos, nil)
        }
        let processors = (0..<processorCount).map { Processor(worker: $0, context: context, executor: simulation.makeLane()) }
        let actors = makeActors(context, executors: actorSlots.map { _ in simulation.makeLane() })
        let taskExecutor = simulation.taskExecutor
        let (value, statistics) = await simulation.run {
            await Self.connectAndRun(processors, actors, clock: clock, preferring: taskExecutor)
        }
        return (value?.0 ?? [], value?.1 ?? [], value?.2 ?? 0, statistics)
    }

    /// A thread per processor; on PostgreSQL with the built-in step handler, whose statements
    /// never block, one `PollingExecutor` per core shared round-robin (pgbench's `-j`), so the
    /// client does not take a context switch or two a statement from the server's cores.
    private func processorExecutors(_ context: ProcessorContext) -> (executors: [any SerialExecutor], shutdown: () -> Void) {
        guard context.store is any SocketAnsweringStore, context.handler is StepMachine, processorCount > 1 else {
            let threads = (0..<processorCount).map { ThreadExecutor(name: "torture-\(Names.worker($0))") }
            return (threads, { threads.forEach { $0.shutdown() } })
        }
        let count = max(1, min(processorCount, ProcessInfo.processInfo.activeProcessorCount))
        let shared = (0..<count).map { PollingExecutor(name: "torture-processors-\($0 + 1)") }
        return ((0..<processorCount).map { shared[$0 % count] }, { shared.forEach { $0.shutdown() } })
    }

    /// Every actor instance, in file order: (actor, its position, instance from 1).
    private var actorSlots: [(actor: ScenarioActor, index: Int, instance: Int)] {
        scenario.actors.enumerated().flatMap { index, actor in (1...actor.schedule.instances).map { (actor, index, $0) } }
    }

    var actorInstanceCount: Int { scenario.actors.reduce(0) { $0 + $1.schedule.instances } }

    /// Actor instances take the worker numbers after the processors'; those that hold the run
    /// open (every actor but one that says `holds-run-open: false`) keep the broker from draining
    /// until each has had a quiet run, or until one finds the scenario's `until:` query empty.
    private func makeActors(_ context: ProcessorContext, executors: [any SerialExecutor]) -> [ActorInstance] {
        let gates = scenario.actors.map { _ in ActorGate() }
        var holders = 0
        var instances: [ActorInstance] = []
        for (slot, executor) in zip(actorSlots, executors) {
            var holder: Int?
            if slot.actor.holdsRunOpen {
                holder = holders
                holders += 1
            }
            instances.append(ActorInstance(
                actor: slot.actor, actorIndex: slot.index, instance: slot.instance, worker: processorCount + instances.count,
                holder: holder, gate: gates[slot.index], context: context, executor: executor))
        }
        context.broker.holdOpen(forActors: holders, untilQuery: context.until != nil)
        return instances
    }

    private static func connectAndRun(
        _ processors: [Processor], _ actors: [ActorInstance], clock: any TortureClock, preferring taskExecutor: (any TaskExecutor)?
    ) async -> ([ProcessorResult], [ActorResult], UInt64) {
        await withTaskGroup(of: Void.self) { group in
            for processor in processors {
                group.addTask(executorPreference: taskExecutor ?? processor.preferredTaskExecutor) { await processor.connect() }
            }
            for actor in actors { group.addTask(executorPreference: taskExecutor ?? actor.preferredTaskExecutor) { await actor.connect() } }
        }
        let startNanos = clock.nowNanos()
        enum Finished: Sendable {
            case processor(Int, ProcessorResult)
            case actor(Int, ActorResult)
        }
        let finished = await withTaskGroup(of: Finished.self) { group in
            for processor in processors {
                group.addTask(executorPreference: taskExecutor ?? processor.preferredTaskExecutor) {
                    .processor(processor.worker, await processor.run(startNanos: startNanos))
                }
            }
            for (position, actor) in actors.enumerated() {
                group.addTask(executorPreference: taskExecutor ?? actor.preferredTaskExecutor) { .actor(position, await actor.run(startNanos: startNanos)) }
            }
            var all: [Finished] = []
            for await result in group { all.append(result) }
            return all
        }
        var results: [(Int, ProcessorResult)] = []
        var actorResults: [(Int, ActorResult)] = []
        for entry in finished {
            switch entry {
            case .processor(let worker, let result): results.append((worker, result))
            case .actor(let position, let result): actorResults.append((position, result))
            }
        }
        return (results.sorted { $0.0 < $1.0 }.map(\.1), actorResults.sorted { $0.0 < $1.0 }.map(\.1), clock.nowNanos() &- startNanos)
    }
}
