import Foundation
import TortureKit

/// What `torture show` and `torture list --long` print about a scenario, in words.
enum ScenarioSheet {
    /// Everything a user picks a scenario by, and everything a run starts from.
    static func full(_ scenario: Scenario, file: String, defaultWorkers: Int) -> [String] {
        var lines = ["\(scenario.name)" + (scenario.seedSystem.map { "  (seed system \($0))" } ?? ""), ""]
        lines += wrapped(scenario.description, indent: "  ")
        lines += ["", "file          \(file)"]
        lines.append("stores        " + scenario.dialects.map(\.rawValue).sorted().joined(separator: ", "))
        let workload = scenario.workload
        lines.append("workload      \(workload.messages) messages × \(workload.deliveriesPerMessage) deliveries, "
            + "\(workload.concurrentDeliveries) at once; \(defaultWorkers) workers (--workers, --messages, --deliveries, --concurrent)"
            + (workload.concurrencyCap.map { "; concurrency cap \($0)" } ?? "")
            + (workload.latencyBudgetMillis.map { "; latency budget \($0) ms" } ?? ""))
        let delivery = scenario.delivery
        lines.append("delivery      \(delivery.preset.rawValue): visibility timeout \(delivery.visibilityTimeoutMillis) ms, "
            + "max receive count \(delivery.maxReceiveCount), retry delay \(delivery.retryDelayMillis) ms"
            + (delivery.subscribers > 1 ? ", \(delivery.subscribers) subscribers" : "") + "; on error \(scenario.onError.rawValue)")
        if let machine = scenario.stepMachine {
            lines.append("steps         " + machine.protocolSteps.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: " → ")
                + (machine.isolation.map { "; in a transaction at \($0.rawValue)" } ?? ""))
        }
        for actor in scenario.actors {
            let schedule = actor.schedule
            lines.append("actor         \(actor.name): every \(schedule.everyMillis) ms"
                + (schedule.jitterMillis > 0 ? " ± \(schedule.jitterMillis)" : "") + ", \(schedule.instances) instance"
                + (schedule.instances == 1 ? "" : "s") + (schedule.overlap ? "" : ", never overlapping") + "; steps "
                + actor.machine.protocolSteps.map(\.name).joined(separator: " → "))
        }
        if let until = scenario.until, let query = until[.sqlite] ?? until.values.first {
            lines.append("ends          when the queue is empty and `until` returns no rows: " + query.source.split(whereSeparator: \.isNewline).joined(separator: " "))
        } else if !scenario.actors.isEmpty {
            lines.append("ends          when the queue is empty and every actor holding the run open has had a run that changed nothing")
        }
        lines.append("faults        " + (scenario.faults.isEmpty ? "none" : faults(scenario.faults)))
        lines.append("invariants    " + scenario.invariants.map(\.name).joined(separator: ", "))
        if !scenario.sometimes.isEmpty {
            lines.append("sometimes     " + scenario.sometimes.map { "\($0.name) (\($0.words))" }.joined(separator: ", "))
        }
        return lines
    }

    static func faults(_ profile: FaultProfile) -> String {
        profile.ruleNames.compactMap { name -> String? in
            let parts = name.split(separator: "@").map(String.init)
            guard parts.count == 2, let kind = FaultKind(rawValue: parts[0]), let point = InjectionPoint(rawValue: parts[1]),
                  let rule = profile[kind, point] else { return nil }
            let range = rule.maxMillis > 0 ? " \(rule.minMillis)–\(rule.maxMillis) ms" : ""
            let error = rule.storeError.map { " \($0.rawValue)" } ?? ""
            return "\(name) \(Formatting.decimal(rule.probability * 100, places: rule.probability * 100 < 1 ? 1 : 0))%\(range)\(error)"
        }.joined(separator: ", ")
    }

    /// Words folded into lines of at most `width` characters.
    static func wrapped(_ text: String, indent: String, width: Int = 100) -> [String] {
        var lines: [String] = []
        var line = indent
        for word in text.split(whereSeparator: \.isWhitespace) {
            if line.count > indent.count && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        if line.count > indent.count { lines.append(line) }
        return lines
    }
}
