import ArgumentParser
import Foundation
import TortureKit

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run again exactly what a report recorded and say whether the same invariant failed with the same witnesses.",
        discussion: """
            Uses the recorded scenario (refused if its content changed, unless --force), parameters, seed and scheduler, \
            on a fresh store of the recorded kind: a temporary SQLite file, or a new schema on PostgreSQL (TORTURE_DATABASE_URL, \
            else the recorded URL; --store overrides). A simulated run replays its interleaving exactly; a run on threads \
            replays its fault plan. Exits as `run` does for the replayed run.
            """
    )

    @Argument(help: ArgumentHelp("A report.json, or the report folder holding it.", valueName: "report"))
    var report: String

    @Flag(help: "Run even if the scenario file changed since the recorded run.")
    var force = false

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where the replay's report is written.", valueName: "dir"))
    var reportDirectory = "reports"

    @Option(help: ArgumentHelp("Replay on this store instead of the recorded kind (as `run --store`).", valueName: "store"))
    var store: String?

    @Option(help: ArgumentHelp(
        "Replay this many times and say how often the recorded failure came back: a rate, for a run on real threads, "
            + "whose interleaving does not replay.", valueName: "n"))
    var attempts = 1

    func validate() throws {
        try OutputLocation.requireParent(of: reportDirectory, for: "--report-dir")
        guard (1...1_000).contains(attempts) else { throw ValidationError("--attempts must be from 1 to 1000, got \(attempts)") }
    }

    func run() async throws {
        let recorded = try RecordedRun.load(report, force: force)
        let stores = try recorded.storeProvider(override: store, stamp: Timestamp.folder(Date()))
        defer { stores.finish() }
        var reproduced = 0
        var last: RunEngine.Outcome?
        for attempt in 1...attempts {
            let (outcome, directory, lost) = try await RecordedRunExecution.run(
                recorded.scenario, recorded.configuration(on: stores), stores: stores, reportDirectory: reportDirectory)
            let comparison = ReplayComparison(recorded: recorded.report, replayed: outcome.report)
            if comparison.sameViolations { reproduced += 1 }
            if attempts == 1 {
                print(TerminalSummary.render(outcome.report, reportDirectory: directory))
                print("replayed on \(outcome.report.store) (recorded on \(recorded.report.store))")
                print("\n" + comparison.summary)
            } else {
                print("attempt \(attempt)/\(attempts): \(comparison.summary)")
            }
            if let lost {
                Console.error("error: \(lost)")
                throw ExitCode(ExitStatus.storeFailed)
            }
            last = outcome
        }
        if attempts > 1 {
            print("reproduced \(reproduced)/\(attempts)")
            if reproduced < attempts, !recorded.report.parameters.scheduler.isSimulated {
                print("real threads do not replay their interleaving: run the seed with --scheduler sim (or pct) for a failure "
                    + "that replays every time")
            }
        }
        let code = last?.report.status.exitCode ?? 0
        if code != 0 { throw ExitCode(code) }
    }
}
