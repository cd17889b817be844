import ArgumentParser
import Foundation
import TortureKit

/// Which scenarios a soak runs: the names given (spaces or commas), or with none or `all` every
/// scenario in the folder except the `-naive` twins — those are meant to fail, so a soak of
/// "everything" that included them would never pass.
struct SoakScenarioSelection {
    let names: [String]
    let options: ScenarioOptions

    static let naiveSuffix = "-naive"

    /// `--scenarios` is the folder of scenario files, as on `run` and `list`. The issue's form
    /// `torture soak --scenarios all` (or `--scenarios a,b`) is honoured too: with no names given
    /// and no such folder, the value is the list and the folder is the default.
    init(names: [String], options: ScenarioOptions) {
        var names = names
        var options = options
        var isDirectory: ObjCBool = false
        if names.isEmpty, let directory = options.directory,
           !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
            names = [directory]
            options.directory = nil
        }
        self.names = names.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        self.options = options
    }

    var isAll: Bool { names.isEmpty || names == ["all"] }

    func load(
        workers: Int, messages: Int?, store: String, dialect: Dialect, scheduler: SchedulerChoice, memoryBudgetBytes: Int?,
        arrival: ArrivalProcess? = nil, swarm: Bool = false
    ) throws -> [SoakScenario] {
        let catalogue = options.catalogue
        var isDirectory: ObjCBool = false
        if let directory = options.directory,
           !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
            // The issue's sketch spelled the list `--scenarios a,b`; here that flag is the folder.
            Console.error("error: --scenarios is the folder of scenario files and \"\(directory)\" is not one; "
                + "name the scenarios to soak as arguments instead: torture soak race-claim,idempotent-submit")
            throw ExitCode(ExitStatus.usage)
        }
        var paths: [(nameOrPath: String, path: String)] = []
        do {
            if isAll {
                for file in try catalogue.files() {
                    let name = ScenarioCatalogue.name(ofPath: file)
                    if !name.hasSuffix(Self.naiveSuffix) { paths.append((name, file)) }
                }
            } else {
                for name in names where !paths.contains(where: { $0.nameOrPath == name }) {
                    paths.append((name, try catalogue.path(for: name)))
                }
            }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        var selected: [SoakScenario] = []
        for (nameOrPath, path) in paths {
            let scenario: Scenario
            do {
                scenario = try ScenarioLoader.load(path: path)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            guard scenario.dialects.contains(dialect) else {
                if isAll {
                    Console.error("note: \(scenario.name) has no \(dialect.rawValue) SQL; left out of this soak")
                    continue
                }
                Console.error("error: \(path): scenario \(scenario.name) has no \(dialect.rawValue) SQL; a soak on --store \(store) cannot run it")
                throw ExitCode(ExitStatus.usage)
            }
            let byName = !(nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml"))
            selected.append(SoakScenario(scenario: scenario, configuration: RunConfiguration(
                scenario: byName ? nameOrPath : path, workers: workers, messages: messages ?? scenario.workload.messages,
                deliveriesPerMessage: scenario.workload.deliveriesPerMessage, concurrentDeliveries: scenario.workload.concurrentDeliveries,
                seed: Seed(0), store: store, scenariosDirectory: byName ? catalogue.directory(ofPath: path) : nil, scheduler: scheduler,
                memoryBudgetBytes: memoryBudgetBytes, arrival: arrival ?? scenario.workload.arrival, arrivalOverridesScenario: arrival != nil
            ), swarm: swarm))
        }
        guard !selected.isEmpty else {
            Console.error("error: no scenario to soak in \(options.directory ?? "the built-in catalogue")")
            throw ExitCode(ExitStatus.usage)
        }
        return selected
    }
}
