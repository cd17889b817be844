import ArgumentParser
import Dispatch
import Foundation
import TortureKit

struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run scenario × seed after seed for a duration or a number of runs; stop at the first violation.",
        discussion: """
            Scenarios are named as arguments, separated by spaces or commas; none, or `all`, means \
            every scenario in the --scenarios folder except the `-naive` twins, which are meant to \
            fail — name a twin to include it (`--scenarios all` or `--scenarios a,b` also names them \
            when no folder has that name). Seed k of shard i/n is a hash of --seed-start and \
            k·n + i − 1: shards never share a seed, and the same --seed-start gives the same seeds. \
            Each run gets a fresh SQLite file (or a PostgreSQL schema of its own); a run that holds leaves nothing behind, one that does \
            not gets a report folder like `torture run`'s, and its repro line is printed. The soak's \
            summary (summary.md, summary.json, index.html, a latency-<scenario>.hgrm each) goes to \
            <report-dir>/soak/…. Exits 0 when everything held, 1 when something was violated, 2 for a \
            wrong command line or scenario, 3 when a store failed or the summary could not be written, \
            130 / 143 after SIGINT / SIGTERM (the run in hand stopped and its store removed, the summary \
            written, within two seconds). The summary's coverage says what the runs explored (faults fired, \
            step outcomes, lease expiries, DLQ entries, …) and which of each scenario's `sometimes:` \
            conditions no run reached; --require-coverage makes those exit 1.

            Examples:
              torture soak --duration 30m                                   # every scenario but the naive twins
              torture soak race-claim,idempotent-submit --runs 200 --keep-going
              torture soak --duration 20m --shard 3/8 --seed-start 1234 --junit reports/junit.xml   # a CI matrix job
              torture soak --duration 10m --store postgres                  # TORTURE_DATABASE_URL
              torture soak visibility-timeout --runs 50 --require-coverage  # fail if no run took a lease over
            """
    )

    @Argument(help: ArgumentHelp("Scenario names, or `all` (the default): every scenario but the -naive twins.", valueName: "scenario"),
              completion: ScenarioCompletion.kind)
    var scenarios: [String] = []

    @Option(help: ArgumentHelp("How long to keep starting runs: 90s, 30m, 2h (default 5m unless --runs).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("How many runs (scenario × seed) instead of a duration.", valueName: "n"))
    var runs: Int?

    @Option(name: .customLong("seed-start"),
            help: ArgumentHelp("Where the seed sequence starts, decimal or 0x-hex (default: drawn from the OS and printed).", valueName: "seed"))
    var seedStart: String?

    @Option(help: ArgumentHelp("This machine's share of the seeds, i/n (e.g. 3/8 in a CI matrix).", valueName: "i/n"))
    var shard = "1/1"

    @OptionGroup var options: RunOptions

    @Flag(name: .customLong("keep-going"), help: "Collect violations instead of stopping at the first.")
    var keepGoing = false

    @Flag(name: .customLong("require-coverage"),
          help: "Exit 1 when a scenario's `sometimes:` condition was reached in no run (naming each), even if everything held.")
    var requireCoverage = false

    func validate() throws {
        if duration != nil, runs != nil { throw ValidationError("give --duration or --runs, not both") }
        if let duration, SoakLimit.parseDuration(duration) == nil {
            throw ValidationError("--duration expects a positive whole number with a unit, e.g. 90s, 30m or 2h, got \"\(duration)\"")
        }
        if let runs, !(1...100_000_000).contains(runs) { throw ValidationError("--runs must be from 1 to 100000000, got \(runs)") }
        if let seedStart, Seed(parsing: seedStart) == nil {
            throw ValidationError("--seed-start expects a 64-bit number, decimal (12345) or hex (0x5eed), got \"\(seedStart)\"")
        }
        if SoakShard(parsing: shard) == nil {
            throw ValidationError("--shard expects i/n with 1 ≤ i ≤ n ≤ \(SoakShard.countLimit), e.g. 3/8, got \"\(shard)\"")
        }
        if options.store.hasPrefix("sqlite:") {
            throw ValidationError("--store for a soak is sqlite (a fresh temporary file per run) or postgres://… (a schema per run); one file cannot serve many runs")
        }
    }

    func run() async throws {
        let cancellation = SoakCancellation()
        let signals = InterruptSignals(deadlineSeconds: 1.2, onSignal: { cancellation.cancel(signal: $0) })
        signals.start()
        let start = seedStart.flatMap(Seed.init(parsing:)) ?? Seed(UInt64.random(in: .min ... .max))
        if seedStart == nil { Console.error("seed start \(start) (drawn; pass --seed-start \(start) to repeat)") }
        let stores = try StoreOption(parsing: options.store).makeProvider(stamp: nil)
        let soakScenarios = try SoakScenarioSelection(names: scenarios, options: options.scenarioOptions).load(
            workers: options.workers, messages: options.messages, store: stores.commandLineValue, dialect: stores.dialect,
            scheduler: options.schedulerChoice, memoryBudgetBytes: options.memoryBudgetBytes, arrival: try options.arrivalOverride,
            swarm: options.swarm)
        let shard = SoakShard(parsing: shard)!
        let limit = runs.map(SoakLimit.runs) ?? .durationNanos(SoakLimit.parseDuration(duration ?? "5m")!)
        let wallClock = SystemWallClock()
        let header = SoakSummary.Header(startedAt: wallClock.stamp().iso8601, seedStart: start, shard: shard, limit: limit,
                                        keepGoing: keepGoing, workers: options.workers, store: stores.commandLineValue,
                                        requireCoverage: requireCoverage)
        let outputs = SoakOutputs(reportRoot: options.reportDirectory, junitPath: options.junit, json: options.json, wallClock: wallClock, stores: stores)
        let checkpoint = SoakCheckpoint()
        let progress = SoakProgress()
        let live = Console.standardErrorIsTerminal && !options.json
        let loop = SoakLoop(
            scenarios: soakScenarios, seeds: SeedSequence(start: start, shard: shard), limit: limit, keepGoing: keepGoing,
            header: header, reportFailedRun: ReportWriter(root: options.reportDirectory).failedRunReporter(wallClock: wallClock), stores: stores, clock: RealClock(), wallClock: wallClock,
            reproLine: ReproLine.command,
            cancellation: cancellation, progress: progress, checkpoint: checkpoint,
            onRunFinished: { event in
                MemoryRelease.afterRun()
                SoakProgressLine.announce(event, live: live)
            }
        )
        signals.onDeadline { signal in
            // The deadline passed with a run still going: write what the last finished run left.
            guard var summary = checkpoint.close() else { return }
            summary.markInterrupted(signal: signal, abandonedRun: true)
            if let store = checkpoint.storeInHand {
                if let kept = RunOutput.dropOrKeep(store) {
                    summary.stopReason += "; its \(kept.description) is left behind (\(kept.keptBecause ?? "kept")): remove it with \(kept.dropCommand)"
                    Console.error("kept \(kept.description); remove it with: \(kept.dropCommand)")
                } else if store.runSpace != nil {
                    summary.stopReason += "; its store was removed"
                }
            }
            let code = outputs.finish(summary)
            signals.finishedReport()
            exitNow(code)
        }
        let progressLine = live ? SoakProgressLine.make(progress: progress, limit: limit) : nil
        progressLine?.start()
        _ = await loop.run()
        progressLine?.stop()
        guard let summary = checkpoint.close() else {
            // The signal deadline is writing the summary and will exit; do not race it.
            try await Task.sleep(for: .seconds(10))
            return
        }
        let code = outputs.finish(summary)
        signals.finishedReport()
        if code != 0 { throw ExitCode(code) }
    }
}

extension SoakSummary {
    mutating func markInterrupted(signal: Int32, abandonedRun: Bool) {
        ending = .interrupted
        self.signal = signal
        stopReason = "interrupted by signal \(signal)" + (abandonedRun ? "; the run in progress was abandoned and is not counted" : "")
    }
}

/// Wall-clock stamps from the system clock: only the CLI reads the date.
struct SystemWallClock: WallClock {
    func stamp() -> WallClockStamp {
        let now = Date()
        return WallClockStamp(iso8601: Timestamp.iso8601(now), folder: Timestamp.folder(now))
    }
}
