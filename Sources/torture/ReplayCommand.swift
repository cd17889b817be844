import ArgumentParser
import Foundation
import TortureKit

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run again exactly what a report recorded and say whether the same invariant failed with the same witnesses.",
        discussion: """
            Uses the recorded scenario (refused if its content changed, unless --force), parameters, seed and scheduler, \
            on a fresh SQLite store. A simulated run replays its interleaving exactly; a run on threads replays its fault plan. \
            Exits as `run` does for the replayed run.
            """
    )

    @Argument(help: ArgumentHelp("A report.json, or the report folder holding it.", valueName: "report"))
    var report: String

    @Flag(help: "Run even if the scenario file changed since the recorded run.")
    var force = false

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where the replay's report is written.", valueName: "dir"))
    var reportDirectory = "reports"

    func validate() throws {
        try OutputLocation.requireParent(of: reportDirectory, for: "--report-dir")
    }

    func run() async throws {
        let recorded = try RecordedRun.load(report, force: force)
        let configuration = recorded.configuration
        let store = RecordedRun.freshStore(seed: configuration.seed)
        let started = Date()
        let outcome = await RunEngine(scenario: recorded.scenario, configuration: configuration, store: store)
            .run(startedAt: Timestamp.iso8601(started))
        let directory = RunReportFiles.write(outcome, store: store, started: started, root: reportDirectory)
        store.removeFiles()
        print(TerminalSummary.render(outcome.report, reportDirectory: directory))
        print("\n" + ReplayComparison(recorded: recorded.report, replayed: outcome.report).summary)
        let code = outcome.report.status.exitCode
        if code != 0 { throw ExitCode(code) }
    }
}
