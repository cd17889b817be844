import ArgumentParser
import Foundation
import TortureKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them; prints file:line: what was expected for each wrong one.",
        discussion: """
            Without --store the files are read and their SQL is checked for what can be seen in the text (one statement \
            per step, parameters, schema names), and a handler process is started once and must answer `init` in \
            protocol 1 (docs/handler-protocol.md). With --store every statement is also prepared, and every check's query \
            run read-only, against a fresh schema (PostgreSQL) or file (SQLite) that is dropped afterwards: a table or \
            column that does not exist, SQL the store refuses, or a check that writes is caught before any run.
            """
    )

    @Argument(help: ArgumentHelp("Scenario files to check.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("sqlite, or postgres://… / postgres: prepare every statement there.", valueName: "store"))
    var store: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one scenario file, e.g. torture validate scenarios/*.yaml") }
        if let store {
            guard !store.hasPrefix("sqlite:") else { throw ValidationError("--store for validate is sqlite (a temporary file) or postgres://…") }
            do { _ = try StoreOption(parsing: store) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        var wrong = 0
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                for warning in scenario.warnings { Console.error("warning: \(warning)") }
                var greeting: String?
                if let store {
                    greeting = try prepare(scenario, on: store)
                } else if let handler = scenario.handler as? ProcessHandler {
                    greeting = try greet(handler, of: scenario, store: nil)
                }
                let dialects = scenario.dialects.map(\.rawValue).sorted().joined(separator: ", ")
                print("ok  \(file): \(scenario.name) (\(dialects); \(scenario.invariants.map(\.name).joined(separator: ", ")))")
                if let greeting { print("    " + greeting) }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                wrong += 1
                Console.error("\(error)")
            }
        }
        if store == nil {
            Console.error("note: no store was asked, so no statement was prepared: table and column names, the dialect's syntax "
                + "and whether each check only reads are not checked. `torture validate --store sqlite` (or --store postgres://…) "
                + "checks them; every run checks them before it starts.")
        }
        if wrong > 0 { throw ExitCode(ExitStatus.usage) }
    }

    /// Every statement prepared, and every check's query run read-only, in a space made for it and
    /// dropped after. A store that cannot be reached is exit 3, not a verdict on the file.
    /// What the handler's handshake said, when the scenario has a handler process.
    private func prepare(_ scenario: Scenario, on storeText: String) throws -> String? {
        let stores = try StoreOption(parsing: storeText).makeProvider(stamp: Timestamp.folder(Date()))
        defer { stores.finish() }
        let store: any Store
        do {
            store = try stores.makeStore(scenario: scenario.name, seed: Seed(scenario.source.contentHash))
        } catch {
            Console.error("error: cannot check against \(stores.commandLineValue): \(error.message)")
            throw ExitCode(ExitStatus.storeFailed)
        }
        let proxyRules = scenario.faults.rulesNeedingProxy(processHandler: scenario.handler is ProcessHandler)
        if !proxyRules.isEmpty, store.dialect != .postgres || !(scenario.handler is ProcessHandler) {
            throw ScenarioError(file: scenario.source.path, message: "its wire faults (\(proxyRules.joined(separator: ", "))) need torture's proxy "
                + "between a handler process and PostgreSQL" + (scenario.handler is ProcessHandler ? "; \(store.dialect.rawValue) has no wire"
                    : "; torture's own handlers take only reset at before-commit / after-commit and lost-commit-ack at after-commit"))
        }
        guard scenario.dialects.contains(store.dialect) else {
            throw ScenarioError(file: scenario.source.path, message: "no \(store.dialect.rawValue) SQL to check on --store \(storeText)")
        }
        defer {
            try? store.dropRunSpace()
            stores.discard(store)
        }
        do {
            try store.createRunSpace(workers: 1)
        } catch {
            Console.error("error: cannot check against \(store.displayName): \(error.message)")
            throw ExitCode(ExitStatus.storeFailed)
        }
        do {
            try StoreSetup(scenario: scenario, dialect: store.dialect, messages: 1).prepare(store)
        } catch {
            if error.status == .storeFailed {
                Console.error("error: \(error.reason)")
                throw ExitCode(ExitStatus.storeFailed)
            }
            throw ValidationFailure(error.reason)
        }
        guard let handler = scenario.handler as? ProcessHandler else { return nil }
        return try greet(handler, of: scenario, store: store)
    }

    /// The handler's program, started once and greeted: it runs and speaks the protocol.
    private func greet(_ handler: ProcessHandler, of scenario: Scenario, store: (any Store)?) throws -> String {
        do {
            let millis = try handler.handshake(scenario: scenario.name, store: store)
            return "handler `\(handler.commandLine)` answered init in protocol 1 (cold start \(Int(millis.rounded())) ms)"
        } catch {
            throw ScenarioError(file: scenario.source.path, message: "the handler `\(handler.commandLine)` did not pass the handshake: \(error)")
        }
    }
}
