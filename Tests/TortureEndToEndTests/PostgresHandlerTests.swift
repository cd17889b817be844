import Foundation
import Testing

/// Handler processes on a real server: the child connects to the run's own schema as its role,
/// a crash drops its connection and the server rolls back, and the seed examples hold or are
/// caught as on SQLite.
extension PostgresEndToEndTests {
    @Test func aCrashedChildsInsertIsRolledBackByTheServer() async throws {
        let before = try database.runSchemas()
        let run = try await TortureBinary.run([
            "run", TortureBinary.packageRoot + "/Tests/scenarios/handlers/crash-before-commit.yaml", "--workers", "2", "--seed", "1",
            "--store", database.url, "--report-dir", TortureBinary.reportDirectory(),
        ])
        #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("sql:no-insert-survives-its-crash  held"), "\(run.stdout)")
        #expect(run.stdout.contains("crashed 12"), "\(run.stdout)")
        #expect(try database.runSchemas() == before, "the run dropped its schema and role: no child session held them")
    }

    @Test func theCorrectLambdaHoldsOver20SeedsOnPostgres() async throws {
        for seed in 1...20 {
            let run = try await HandlerExampleTests.run("seed000/check-then-insert.yaml", seed: seed, store: database.url)
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
        }
    }

    @Test func theNaiveLambdasAreCaughtOnPostgres() async throws {
        let noUnique = try await HandlerExampleTests.run("seed000/check-then-insert-no-unique.yaml", seed: 1, store: database.url)
        #expect(noUnique.exitCode == 1, "\(noUnique.stdout)\n\(noUnique.stderr)")
        #expect(noUnique.stdout.contains("no-duplicate-submissions                      VIOLATED"), "\(noUnique.stdout)")
        let swallow = try await HandlerExampleTests.run("seed000/check-then-insert-swallow.yaml", seed: 1, store: database.url)
        #expect(swallow.exitCode == 1, "\(swallow.stdout)\n\(swallow.stderr)")
        #expect(swallow.stdout.contains("sql:every-message-submitted-or-dead-lettered  VIOLATED   3"), "\(swallow.stdout)")
    }

    /// The child is given the password (the server here trusts local connections and ignores it);
    /// nothing torture prints or files carries it.
    @Test func theShellHandlerPassesOnPostgresAndThePasswordStaysWithTheChild() async throws {
        let secret = "hunter2-for-the-child"
        let url = try #require(URLComponents(string: database.url))
        var withPassword = url
        withPassword.password = secret
        let reports = TortureBinary.reportDirectory()
        let run = try await TortureBinary.run([
            "run", HandlerExampleTests.examples + "/shell/idempotent-insert.yaml", "--workers", "8", "--messages", "60", "--seed", "1",
            "--store", try #require(withPassword.string), "--report-dir", reports,
        ])
        #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains(secret))
        let files = FileManager.default.enumerator(atPath: reports)?.compactMap { $0 as? String } ?? []
        #expect(files.contains { $0.hasSuffix("report.json") }, "\(files)")
        for file in files {
            let text = (try? String(contentsOfFile: reports + "/" + file, encoding: .utf8)) ?? ""
            #expect(!text.contains(secret), "\(file) carries the password")
        }
    }
}

/// The wire proxy in a run: a handler process's connection goes through it, and a lost COMMIT
/// acknowledgement makes a retry that only checked once submit twice — unless the table's key
/// refuses the second row.
extension PostgresEndToEndTests {
    @Test func aRetryAfterALostCommitAckIsCaughtWithoutAUniqueKey() async throws {
        let run = try await HandlerExampleTests.run("seed000/lost-commit-ack-no-unique.yaml", seed: 1, store: database.url)
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("no-duplicate-submissions     VIOLATED"), "\(run.stdout)")
        #expect(run.stdout.contains("step insert"), "the wire named the Lambda's INSERT as the step `insert`: \(run.stdout)")
        #expect(run.stdout.range(of: #"submitted 2 times \(by w-\d\d and w-\d\d\), after a lost commit acknowledgement \(w-\d\d m-\d{5}/1#1"#,
                                 options: .regularExpression) != nil, "\(run.stdout)")
    }

    @Test func theKeyedRetryHoldsOver20SeedsOfLostCommitAcks() async throws {
        for seed in 1...20 {
            let run = try await HandlerExampleTests.run("seed000/lost-commit-ack.yaml", seed: seed, store: database.url)
            #expect(run.exitCode == 0, "seed \(seed): \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("lost-commit-ack@after-commit"), "the fault fired: \(run.stdout)")
        }
    }
}
