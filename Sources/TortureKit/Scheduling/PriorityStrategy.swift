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

    init(_ strategy: SimulationScheduler.Strategy) {
        self.strategy = strategy
    }

    mutating func addLane(using generator: inout SeededGenerator) {
        guard case .pct = strategy else { return }
        // Initial priorities sit above every change-point priority (which are 1 … depth-1).
        let base = 1_000_000
        var candidate = base + Int(generator.next() % 1_000_000)
        while priorities.contains(candidate) { candidate += 1 }
        priorities.append(candidate)
    }

    mutating func choose(among runnable: [Int], step: Int, using generator: inout SeededGenerator) -> Int {
        switch strategy {
        case .random:
            return runnable[Int(generator.next() % UInt64(runnable.count))]
        case .pct(let depth, let horizon):
            if !changePointsDrawn {
                changePointsDrawn = true
                for priority in 1..<max(1, depth) {
                    changePoints[Int(generator.next() % UInt64(max(1, horizon)))] = depth - priority
                }
            }
            let chosen = runnable.max { priorities[$0] < priorities[$1] }!
            if let lowered = changePoints[step] {
                priorities[chosen] = lowered
                return runnable.max { priorities[$0] < priorities[$1] }!
            }
            return chosen
        }
    }
}
