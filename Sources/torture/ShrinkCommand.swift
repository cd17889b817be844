import ArgumentParser
import Foundation
import TortureKit

struct ShrinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shrink",
        abstract: "Make a failing run as small as it goes while the same invariant keeps failing.",
        discussion: """
            Tries fewer messages, fewer workers, fewer deliveries per message and fewer fault rules, keeping each cut that \
            still fails. On threads each candidate runs up to --attempts times and counts as failing if any run fails, so a \
            lucky pass is not taken for a fix; in simulation one run decides. Writes a report of the smallest case and prints \
            its repro line.
            """
    )

    @Argument(help: ArgumentHelp("A report.json of a failing run, or its folder.", valueName: "report"))
    var report: String

    @Option(help: ArgumentHelp("Runs per candidate on real threads.", valueName: "n"))
    var attempts = 3

    @Option(name: .customLong("max-runs"), help: ArgumentHelp("At most this many runs in all.", valueName: "n"))
    var maxRuns = 120

    @Flag(help: "Shrink even if the scenario file changed since the recorded run.")
    var force = false

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Where the shrunk run's report is written.", valueName: "dir"))
    var reportDirectory = "reports"

    @Option(help: ArgumentHelp("Shrink on this store instead of the recorded kind (as `run --store`).", valueName: "store"))
    var store: String?

    func validate() throws {
        try OutputLocation.requireParent(of: reportDirectory, for: "--report-dir")
        guard (1...50).contains(attempts) else { throw ValidationError("--attempts must be from 1 to 50, got \(attempts)") }
        guard (1...10_000).contains(maxRuns) else { throw ValidationError("--max-runs must be from 1 to 10000, got \(maxRuns)") }
    }

    func run() async throws {
        let recorded = try RecordedRun.load(report, force: force)
        guard let invariant = recorded.report.violatedVerdicts.first?.invariant else {
            Console.error("error: \(recorded.path) records no violation; there is nothing to shrink")
            throw ExitCode(ExitStatus.usage)
        }
        let stores = try recorded.storeProvider(override: store, stamp: Timestamp.folder(Date()))
        defer { stores.finish() }
        let original = recorded.configuration(on: stores)
        Console.error("shrinking \(recorded.report.scenario.name) on \(invariant): \(original.messages) messages, \(original.workers) workers")
        let shrinker = Shrinker(scenario: recorded.scenario, invariant: invariant, attempts: attempts, runBudget: maxRuns, stores: stores)
        let result = await shrinker.shrink(original) { step in
            Console.error("  \(step.accepted ? "still fails" : "passes    ")  \(step.what)")
        }
        guard result.reproducedOriginal else {
            Console.error("the original run did not fail again in \(original.scheduler.isSimulated ? 1 : attempts) tries; nothing to shrink")
            throw ExitCode(ExitStatus.held)
        }

        let (outcome, directory, lost) = try await RecordedRunExecution.run(
            recorded.scenario, result.configuration, stores: stores, reportDirectory: reportDirectory)
        print(TerminalSummary.render(outcome.report, reportDirectory: directory))
        let before = recorded.report, after = outcome.report
        print("""

            shrunk in \(result.runs) runs: \(before.parameters.messages) → \(after.parameters.messages) messages, \
            \(before.parameters.workers) → \(after.parameters.workers) workers, \
            \(before.parameters.deliveriesPerMessage) → \(after.parameters.deliveriesPerMessage) deliveries per message, \
            \(before.faults.firedTotal) → \(after.faults.firedTotal) faults fired, \
            \(before.historyEvents) → \(after.historyEvents) history events
            """)
        if after.status != .violated {
            print("the smallest case passed on its final run (a flaky race on threads): try --scheduler sim, or more --attempts")
        }
        if let lost {
            Console.error("error: \(lost)")
            throw ExitCode(ExitStatus.storeFailed)
        }
        let code = after.status.exitCode
        if code != 0 { throw ExitCode(code) }
    }
}
