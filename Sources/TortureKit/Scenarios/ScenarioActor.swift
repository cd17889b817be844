/// A participant beside the workers with steps of its own and a schedule on the injected clock:
/// seed 000's stale-message republisher, seed 004's DLQ cron, seed 002's TTL reaper. Each of its
/// runs (a tick) is one pass over its steps, in a transaction when it has one; rows of a step with
/// a `publish` column go back into the broker when the tick lands.
public struct ScenarioActor: Sendable {
    public var name: String
    public var schedule: ActorSchedule
    /// The steps of one tick, and the transaction around them.
    public var machine: StepMachine
    /// The faults the actor's injection points may fire, decided per (seed, actor, instance, tick,
    /// point); `duplicate` has no delivery to copy and is never among them.
    public var faults: FaultProfile
    /// Whether the run waits for this actor to go quiet before it ends (the default): an actor
    /// that releases work — marks a job runnable, publishes a message — may hand the workers more
    /// at its next run. False for one whose runs change rows for ever and never make work (a
    /// heartbeat): the run then ends without waiting for it.
    public var holdsRunOpen: Bool

    public init(name: String, schedule: ActorSchedule, machine: StepMachine, faults: FaultProfile = .none, holdsRunOpen: Bool = true) {
        precondition(faults.rules[.duplicate]?.isEmpty ?? true, "an actor has no delivery to duplicate")
        self.name = name
        self.schedule = schedule
        self.machine = machine
        self.faults = faults
        self.holdsRunOpen = holdsRunOpen
    }

    /// Whether the actor puts messages back into the broker.
    public var publishes: Bool { machine.protocolSteps.contains { $0.publishColumn != nil } }

    /// `sweeper-1`: what `:worker` binds and the reports say.
    public func instanceName(_ instance: Int) -> String { "\(name)-\(instance)" }

    /// Keys the actor's fault decisions and jitter: its name, not its place in the file.
    public var key: UInt64 { ContentHash.of(name) }
}

/// When an actor runs: every `everyMillis`, each run up to `jitterMillis` late (seeded), in
/// `instances` copies side by side (two cron hosts), which may or may not run at the same time.
public struct ActorSchedule: Sendable, Equatable {
    public var everyMillis: Int
    public var jitterMillis: Int
    public var instances: Int
    /// False: a run that comes due while another instance's run is going is skipped, as a cron
    /// with a lock would.
    public var overlap: Bool

    public init(everyMillis: Int, jitterMillis: Int = 0, instances: Int = 1, overlap: Bool = true) {
        precondition(everyMillis >= 1 && jitterMillis >= 0 && instances >= 1, "an actor's schedule needs a period and an instance")
        self.everyMillis = everyMillis
        self.jitterMillis = jitterMillis
        self.instances = instances
        self.overlap = overlap
    }

    /// When tick `tick` (from 1) of `instance` is due, in nanoseconds after processing starts: a
    /// pure function of the seed, so a replay runs the same ticks at the same virtual times.
    public func dueNanos(tick: Int, instance: Int, seed: Seed, actorKey: UInt64) -> UInt64 {
        let jitter = jitterMillis == 0 ? 0 : Mix.combine(seed.value, Self.jitterSalt, actorKey, UInt64(instance), UInt64(tick))
            % UInt64(jitterMillis * 1_000 + 1)
        return UInt64(tick) * UInt64(everyMillis) * 1_000_000 + jitter * 1_000
    }

    private static let jitterSalt: UInt64 = 0xAC_7000
}
