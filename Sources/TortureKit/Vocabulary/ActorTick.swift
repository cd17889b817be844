/// One run of a scenario actor's instance: its own identity, not a delivery's. An actor's run
/// handles no message; checkers of deliveries never see it.
public struct ActorTick: Sendable, Hashable, Codable {
    /// The actor's position in the scenario file, from 0.
    public var actor: Int
    /// The instance, from 1.
    public var instance: Int
    /// The run of that instance, from 1.
    public var tick: Int

    public init(actor: Int, instance: Int, tick: Int) {
        precondition(actor >= 0 && instance >= 1 && tick >= 1, "actors count from 0, instances and ticks from 1")
        self.actor = actor
        self.instance = instance
        self.tick = tick
    }

    /// `actor 0.1 run 3`: actor 0, instance 1, tick 3.
    public var label: String { "actor \(actor).\(instance) run \(tick)" }

    /// How a history record holds a tick: in a delivery's fields, with a negative message
    /// (−1 − actor), which no published message has.
    var recordFields: Delivery { Delivery(message: -1 - actor, copy: instance, attempt: tick) }

    /// The tick a record's fields hold, if they hold one.
    init?(recordFields fields: Delivery) {
        guard fields.message < 0 else { return nil }
        self.init(actor: -1 - fields.message, instance: fields.copy, tick: fields.attempt)
    }
}

/// What a participant is working on: a processor's delivery, or an actor instance's run. What
/// its faults are keyed by and what its history events are about.
enum WorkItem: Sendable, Hashable {
    case delivery(Delivery)
    case tick(ActorTick)

    /// The fields of the history's record.
    var historyDelivery: Delivery {
        switch self {
        case .delivery(let delivery): delivery
        case .tick(let tick): tick.recordFields
        }
    }

    var label: String {
        switch self {
        case .delivery(let delivery): delivery.label
        case .tick(let tick): tick.label
        }
    }
}
