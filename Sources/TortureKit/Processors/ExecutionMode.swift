/// How a run's participants execute: each on a thread of its own against the store's own
/// timeouts, or all on the simulation's one thread, in an order the seed picks, on virtual time.
/// One value, so no participant can be half in one mode and half in the other.
enum ExecutionMode: Sendable {
    case threads
    case simulation(SimulatedExecution)

    var simulation: SimulatedExecution? {
        if case .simulation(let simulated) = self { return simulated }
        return nil
    }
}

/// What running on the simulation's one thread changes for a participant.
struct SimulatedExecution: Sendable {
    /// How long store calls and receives take in virtual time.
    var latency: SimulatedLatency
    var storeAccess: StoreAccess

    enum StoreAccess: Sendable {
        /// Statements run on the connection directly. `busyMeansYield`: a lock held by a suspended
        /// participant can never be waited out on the one thread, so busy means yield and try again.
        case direct(busyMeansYield: Bool)
        /// A server: statements go through its sessions, which park a lane whose statement waits
        /// on another's lock.
        case sessions(any ServerSessions)
    }

    var sessions: (any ServerSessions)? {
        if case .sessions(let sessions) = storeAccess { return sessions }
        return nil
    }
}
