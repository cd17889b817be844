import ArgumentParser
import TortureKit

/// `--scheduler`: where processors run.
enum SchedulerOption: String, ExpressibleByArgument, CaseIterable {
    case threads
    case sim
    case pct

    static let help = "threads (real threads, one per processor), sim (one thread, interleaving chosen by the seed, virtual time), "
        + "or pct (sim with priority-based scheduling)."

    func choice(depth: Int) -> SchedulerChoice {
        switch self {
        case .threads: .threads
        case .sim: .simulation
        case .pct: .pct(depth: depth)
        }
    }
}
