import ArgumentParser
import TortureKit

/// The options `run` and `soak` share, validated in one place.
struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Concurrent processors, each with its own connection and thread.", valueName: "n"))
    var workers = Self.defaultWorkers

    static let defaultWorkers = 16

    @Option(help: ArgumentHelp("Messages to publish (default: the scenario's).", valueName: "n"))
    var messages: Int?

    @Option(help: ArgumentHelp(
        "sqlite (a temporary file per run), sqlite:PATH (a new file kept afterwards; run only), postgres://user@host:port/db, "
            + "or postgres (TORTURE_DATABASE_URL, else the PG* variables): a schema of its own per run. Prefer PGPASSWORD to a password in the URL.",
        valueName: "store"))
    var store = "sqlite"

    @Option(help: ArgumentHelp(SchedulerOption.help, valueName: "scheduler"))
    var scheduler = SchedulerOption.threads

    @Option(help: ArgumentHelp("PCT's bug depth d: d-1 priority change points (with --scheduler pct).", valueName: "d"))
    var depth = 3

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where reports are written.", valueName: "dir"))
    var reportDirectory = "reports"

    @Flag(help: "Print the report (a soak: its summary) as JSON on stdout instead of the final lines.")
    var json = false

    @Option(help: ArgumentHelp("Also write JUnit XML here.", valueName: "file"))
    var junit: String?

    @Option(name: .customLong("memory-budget"), help: ArgumentHelp(
        "Memory a run's history may hold before the processors' logs go to temporary files (removed afterwards): "
            + "512MB, 2GB, 64M (default 256MB). Changes where events are kept, never what a run does.",
        valueName: "size"))
    var memoryBudget: String?

    @Option(help: ArgumentHelp(
        "When messages are published, on the run's clock (virtual under sim): all-at-once, rate:N (N a second), poisson:N, "
            + "bursts:SIZE/MILLIS (SIZE at once every MILLIS ms) or ramp:FROM-TO (a second, first to last message). "
            + "Default: the scenario's `workload.arrival`, else all-at-once.",
        valueName: "process"))
    var arrival: String?

    @Option(help: ArgumentHelp("Messages published at a constant rate, N a second: --arrival rate:N.", valueName: "n"))
    var rate: Double?

    @Flag(help: ArgumentHelp(
        "Swarm testing: each seed draws its own machine and faults — a latency profile (none, mild, heavy-tailed, one slow "
            + "worker; under sim), each fault rule off or its probability ×0.25 or ×4, a worker count, a message count (2–10 "
            + "often) and an arrival process — replacing --workers, --messages and --arrival. The drawn values are printed "
            + "and the repro line repeats them."))
    var swarm = false

    @OptionGroup var scenarioOptions: ScenarioOptions

    static let workersRange = 1...1_024
    static let messagesRange = 1...10_000_000

    func validate() throws {
        try OutputLocation.requireParent(of: reportDirectory, for: "--report-dir")
        if let junit { try OutputLocation.requireParent(of: junit, for: "--junit") }
        guard Self.workersRange.contains(workers) else { throw ValidationError("--workers must be from 1 to 1024, got \(workers)") }
        if let messages, !Self.messagesRange.contains(messages) {
            throw ValidationError("--messages must be from 1 to 10000000, got \(messages)")
        }
        if let memoryBudget, MemorySize.bytes(memoryBudget).map(Self.memoryBudgetRange.contains) != true {
            throw ValidationError("--memory-budget expects a size from 1MB to 1TB such as 512MB or 2GB, got \"\(memoryBudget)\"")
        }
        guard (1...100).contains(depth) else { throw ValidationError("--depth must be from 1 to 100, got \(depth)") }
        if arrival != nil && rate != nil { throw ValidationError("--rate N is --arrival rate:N: give one of them") }
        _ = try arrivalOverride
        do {
            _ = try StoreOption(parsing: store)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static let memoryBudgetRange = (1 << 20)...(1 << 40)

    var schedulerChoice: SchedulerChoice { scheduler.choice(depth: depth) }
    var memoryBudgetBytes: Int? { memoryBudget.flatMap(MemorySize.bytes) }

    /// `--arrival` or `--rate`, read; nil: the scenario's.
    var arrivalOverride: ArrivalProcess? {
        get throws {
            do {
                if let rate { return try ArrivalProcess(parsing: "rate:\(rate)") }
                return try arrival.map(ArrivalProcess.init(parsing:))
            } catch {
                throw ValidationError("--\(rate == nil ? "arrival" : "rate"): \(error.description)")
            }
        }
    }
}
