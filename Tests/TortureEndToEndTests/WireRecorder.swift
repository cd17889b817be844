import Synchronization
import TortureKit

/// A `WireObserver` for the tests: a rule picks each action; every startup and finished
/// statement is kept.
final class WireRecorder: WireObserver {
    struct Finished: Sendable {
        var worker: String
        var connection: Int
        var statement: WireStatement
        var outcome: WireOutcome
    }

    private let rule: @Sendable (WirePoint, WireStatement) -> WireAction
    private let kept = Mutex<(startups: [WireStartup], finished: [Finished])>(([], []))

    init(rule: @escaping @Sendable (WirePoint, WireStatement) -> WireAction = { _, _ in .forward }) {
        self.rule = rule
    }

    var startups: [WireStartup] { kept.withLock { $0.startups } }
    var finished: [Finished] { kept.withLock { $0.finished } }

    /// The finished statements whose text starts with `prefix`, case-insensitive.
    func finished(startingWith prefix: String) -> [Finished] {
        finished.filter { $0.statement.text.uppercased().hasPrefix(prefix.uppercased()) }
    }

    func opened(worker: String, connection: Int, startup: WireStartup) {
        kept.withLock { $0.startups.append(startup) }
    }

    func action(worker: String, connection: Int, point: WirePoint, statement: WireStatement) -> WireAction {
        rule(point, statement)
    }

    func finished(worker: String, connection: Int, statement: WireStatement, outcome: WireOutcome) {
        kept.withLock { $0.finished.append(Finished(worker: worker, connection: connection, statement: statement, outcome: outcome)) }
    }
}
