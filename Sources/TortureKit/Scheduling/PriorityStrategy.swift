/// How the simulation picks the next lane. Random: uniformly among the runnable. PCT (Burckhardt
/// et al., 2010): each lane gets a distinct random priority; the highest-priority runnable lane
/// runs; at `depth - 1` steps chosen at random within the horizon, the running lane drops below
/// every initial priority. A bug of depth d is found with probability ≥ 1/(n·k^(d−1)) per run.
struct PriorityStrategy {
    private let strategy: SimulationScheduler.Strategy
    private var priorities: [Int] = []
    /// Step → the priority the chosen lane drops to there.
    private var changePoints: [Int: Int] = [:]
    private var changePointsDrawn = false

    /// Initial priorities are at least this; change points drop a lane to 1 … depth-1, below it.
    private static let basePriority = 1_000_000

    init(_ strategy: SimulationScheduler.Strategy) {
        if case .pct(let depth, let horizon) = strategy {
            precondition(depth >= 1 && depth < Self.basePriority && horizon >= 1, "PCT takes a depth of at least 1 and a positive horizon")
        }
        self.strategy = strategy
    }

    mutating func addLane(using generator: inout SeededGenerator) {
        guard case .pct = strategy else { return }
        // Initial priorities sit above every change-point priority (which are 1 … depth-1).
        var candidate = Self.basePriority + Int(generator.next() % 1_000_000)
        while priorities.contains(candidate) { candidate += 1 }
        priorities.append(candidate)
    }

    mutating func choose(among runnable: [Int], step: Int, using generator: inout SeededGenerator) -> Int {
        assert(!runnable.isEmpty, "a lane is chosen among at least one runnable lane")
        switch strategy {
        case .random:
            return runnable[Int(generator.next() % UInt64(runnable.count))]
        case .pct(let depth, let horizon):
            if !changePointsDrawn {
                changePointsDrawn = true
                for priority in 1..<max(1, depth) {
                    changePoints[Int(generator.next() % UInt64(max(1, horizon)))] = depth - priority
                }
                assert(changePoints.count <= max(0, depth - 1), "PCT draws at most depth - 1 change points")
            }
            let chosen = runnable.max { priorities[$0] < priorities[$1] }!
            if let lowered = changePoints[step] {
                assert(lowered >= 1 && lowered < Self.basePriority, "a change point drops a lane below every initial priority")
                priorities[chosen] = lowered
                assert(Set(priorities).count == priorities.count, "lanes' priorities stay distinct: the highest runnable lane is one lane")
                return runnable.max { priorities[$0] < priorities[$1] }!
            }
            return chosen
        }
    }
}
