import Foundation
import Testing

/// The seeds' own code under torture (Examples/seed000: seed 000/001's Lambda processor,
/// unmodified, through the Python SDK's adapter) and a handler with no SDK at all
/// (Examples/shell), run by the built binary on SQLite. Their PostgreSQL runs are in
/// `PostgresHandlerTests`.
@Suite(.serialized) struct HandlerExampleTests {
    static let examples = TortureBinary.packageRoot + "/Examples"

    static func run(_ file: String, seed: Int, store: String = "sqlite", messages: Int = 60) async throws -> TortureBinary.Outcome {
        try await TortureBinary.run([
            "run", examples + "/" + file, "--workers", "8", "--messages", String(messages), "--seed", String(seed),
            "--store", store, "--report-dir", TortureBinary.reportDirectory(),
        ])
    }

    @Test func theCorrectLambdaHoldsOver20Seeds() async throws {
        for seed in 1...20 {
            let run = try await Self.run("seed000/check-then-insert.yaml", seed: seed)
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
        }
    }

    @Test func withoutTheUniqueConstraintTheDuplicateSubmissionsAreWitnessed() async throws {
        let run = try await Self.run("seed000/check-then-insert-no-unique.yaml", seed: 1)
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("no-duplicate-submissions                      VIOLATED"), "\(run.stdout)")
        #expect(run.stdout.range(of: #"message m-\d{5} submitted [2-4] times"#, options: .regularExpression) != nil, "\(run.stdout)")
        #expect(run.stdout.contains("repro: torture run"), "\(run.stdout)")
    }

    @Test func aLambdaThatSwallowsItsErrorsLosesThePoisonMessages() async throws {
        let run = try await Self.run("seed000/check-then-insert-swallow.yaml", seed: 1)
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("sql:every-message-submitted-or-dead-lettered  VIOLATED   3"), "messages 0, 20 and 40 are poison: \(run.stdout)")
        #expect(run.stdout.contains("row (message_id = m-00020)"), "\(run.stdout)")
    }

    @Test func theShellHandlerSpeaksTheProtocolWithoutAnSDK() async throws {
        let run = try await Self.run("shell/idempotent-insert.yaml", seed: 1)
        #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("handler `./handler.sh`"), "\(run.stdout)")
    }

    @Test func validateStartsTheHandlerAndRefusesOneThatSpeaksAnotherProtocol() async throws {
        let good = try await TortureBinary.run(["validate", Self.examples + "/shell/idempotent-insert.yaml"])
        #expect(good.exitCode == 0, "\(good.stdout)\n\(good.stderr)")
        #expect(good.stdout.contains("handler `./handler.sh` answered init in protocol 1"), "\(good.stdout)")
        let workspace = Workspace()
        let original = try String(contentsOfFile: TortureBinary.packageRoot + "/Tests/scenarios/handlers/crash-before-commit.yaml", encoding: .utf8)
        let probe = TortureBinary.packageRoot + "/Tests/handlers/probe.py"
        let file = try workspace.write("v99.yaml", original
            .replacingOccurrences(of: "[../../../.venv/bin/python, ../../handlers/probe.py, insert-then-wait]", with: "[python3, \(probe), version99]"))
        let refused = try await TortureBinary.run(["validate", file])
        #expect(refused.exitCode == 2, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("did not pass the handshake: the handler speaks protocol 99; torture speaks 1"), "\(refused.stderr)")
    }

    /// A child that exits in the middle of every delivery: each fails with the child's status and
    /// last words, and the run's folder holds its report and the child's stderr.
    @Test func aRunWhoseChildExitsMidDeliveryStillWritesItsReport() async throws {
        let workspace = Workspace()
        let original = try String(contentsOfFile: TortureBinary.packageRoot + "/Tests/scenarios/handlers/crash-before-commit.yaml", encoding: .utf8)
        let file = try workspace.write("exits.yaml", original
            .replacingOccurrences(of: "[../../../.venv/bin/python, ../../handlers/probe.py, insert-then-wait]",
                                  with: "[python3, \(TortureBinary.packageRoot)/Tests/handlers/probe.py, exit]"))
        let run = try await TortureBinary.run(["run", file, "--workers", "2", "--seed", "1", "--report-dir", workspace.reports])
        #expect(run.exitCode == 0, "every failure was dead-lettered: \(run.stdout)\n\(run.stderr)")
        let directory = try #require(workspace.reportDirectory(from: run.stdout), "\(run.stdout)")
        let report = try workspace.report(at: directory)
        let handler = try #require(report["handler"] as? [String: Any], "\(report.keys)")
        #expect(handler["coldStarts"] as? Int == 12, "a new child for each of 6 messages × 2 receives: \(handler)")
        let stderr = try String(contentsOfFile: directory + "/handler-stderr/w-00.log", encoding: .utf8)
        #expect(stderr.contains("probe: giving up on m-"), "\(stderr)")
        #expect(run.stdout.contains("stderr in handler-stderr/"), "\(run.stdout)")
    }
}
