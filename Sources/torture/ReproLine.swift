import TortureKit

/// The one line that runs a recorded run again: the CLI's flag spelling, which the library does
/// not know.
enum ReproLine {
    static func command(_ configuration: RunConfiguration) -> String {
        var words = ["torture", "run", configuration.scenario]
        words += ["--workers", String(configuration.workers), "--messages", String(configuration.messages)]
        words += ["--deliveries", String(configuration.deliveriesPerMessage), "--concurrent", String(configuration.concurrentDeliveries)]
        words += ["--seed", configuration.seed.description, "--store", configuration.store]
        switch configuration.scheduler {
        case .threads: break
        case .simulation: words += ["--scheduler", "sim"]
        case .pct(let depth): words += ["--scheduler", "pct", "--depth", String(depth)]
        }
        if configuration.arrival != .allAtOnce || configuration.arrivalOverridesScenario {
            words += ["--arrival", configuration.arrival.description]
        }
        if let swarm = configuration.swarm { words += ["--swarm-choices", swarm.description] }
        for fault in configuration.disabledFaults { words += ["--disable-fault", fault] }
        if let deadline = configuration.deadlineMillisOverride { words += ["--deadline", "\(deadline)ms"] }
        if let directory = configuration.scenariosDirectory { words += ["--scenarios", directory] }
        return words.map(ShellWord.quoted).joined(separator: " ")
    }

    /// The report as the CLI hands it on: with its repro line.
    static func stamped(_ outcome: RunEngine.Outcome) -> RunEngine.Outcome {
        var outcome = outcome
        outcome.report.repro = command(outcome.report.parameters)
        return outcome
    }
}

enum ShellWord {
    /// Single-quotes a word unless it is plainly safe, so the repro line pastes into any shell.
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0)) }
        return safe ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
