import Foundation
import Testing
import TortureKit

/// The built binary against a real PostgreSQL server (TORTURE_TEST_DATABASE_URL, started by
/// `make test`). Serialized: every run opens 64 connections and the counts below are per run.
@Suite("PostgreSQL end to end", .serialized)
struct PostgresEndToEndTests {
    let database: TestDatabase

    init() throws {
        database = try TestDatabase()
    }

    private func run(
        _ scenario: String, seed: String, workers: Int = 64, store: String? = nil, extra: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> (outcome: TortureBinary.Outcome, reports: String) {
        let reports = TortureBinary.reportDirectory()
        let arguments = ["run", scenario, "--workers", String(workers), "--seed", seed, "--store", store ?? database.url,
                         "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports] + extra
        return (try await TortureBinary.run(arguments, environment: environment), reports)
    }

    @Test("race-claim holds at 64 workers and leaves no schema behind", arguments: ["0x1", "0x2", "0x5eed"])
    func raceClaimHolds(seed: String) async throws {
        let before = try database.runSchemas()
        let (outcome, _) = try await run("race-claim", seed: seed)
        #expect(outcome.exitCode == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("exactly-one-claim          held"))
        #expect(try database.runSchemas() == before, "a passing run must drop its schema and its role")
    }

    @Test("the scenario's SQL runs as the run's own role: a table outside its schema is out of reach")
    func confinedToItsSchema() async throws {
        try database.query("CREATE TABLE public.victim (id TEXT); INSERT INTO public.victim VALUES ('kept')")
        defer { _ = try? database.query("DROP TABLE public.victim") }
        let before = try database.runSchemas()
        let workspace = Workspace()
        let file = try workspace.write("reach.yaml", """
            name: reach-out
            description: publishes into a table of another schema
            workload: { messages: 5, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema:
                postgres: CREATE TABLE m (id TEXT PRIMARY KEY);
              publish:
                postgres: INSERT INTO public.victim (id) VALUES (:message)
              steps:
                - { name: read, role: read, sql: { postgres: SELECT 1 }, success: row-returned, on-success: done, on-failure: fail }
            invariants: [no-loss]
            """)
        let (outcome, _) = try await run(file, seed: "0x1", workers: 2)
        #expect(outcome.exitCode == 2, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("[42501] permission denied for table victim"), "\(outcome.stdout)")
        #expect(try database.query("SELECT string_agg(id, ',') FROM public.victim") == "kept")
        #expect(try database.runSchemas() == before, "schema and role are gone")
    }

    @Test("a user that may not create roles still runs, and is told what that means")
    func withoutCreateRole() async throws {
        let user = "plain_user_\(getpid())"
        try database.query("CREATE ROLE \(user) LOGIN; GRANT CREATE ON DATABASE \(try database.query("SELECT current_database()")) TO \(user)")
        defer { _ = try? database.query("REVOKE CREATE ON DATABASE \((try? database.query("SELECT current_database()")) ?? "postgres") FROM \(user); DROP ROLE \(user)") }
        let url = try #require(database.url.firstMatch(of: /^(postgres(?:ql)?:\/\/)[^@\/]*@(.*)$/))
        let before = try database.runSchemas()
        let (outcome, _) = try await run("race-claim", seed: "0x3", workers: 4, store: "\(url.1)\(user)@\(url.2)", extra: ["--messages", "50"])
        #expect(outcome.exitCode == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("note: \(user) may not create roles"), "\(outcome.stderr)")
        #expect(try database.runSchemas() == before)
    }

    @Test("the naive twins are caught, and their schema is kept with the command that drops it",
          arguments: ["race-claim-naive", "idempotent-submit-naive"], ["0x1", "0x2", "0x3"])
    func naiveTwinsAreCaught(scenario: String, seed: String) async throws {
        let before = try database.runSchemas()
        let (outcome, _) = try await run(scenario, seed: seed)
        #expect(outcome.exitCode == 1, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("VIOLATED"))
        #expect(outcome.stdout.contains("repro: torture run \(scenario)"))
        if scenario == "race-claim-naive" {
            #expect(outcome.stdout.contains("row (message_id = m-"), "an SQL witness names its columns")
        }
        let kept = try database.runSchemas().subtracting(before)
        try #require(kept.count == 1, "a violation keeps exactly its own schema, found \(kept)")
        let schema = kept.first!
        let drop = "DROP SCHEMA \"\(schema)\" CASCADE; DROP ROLE \"\(schema)\";"
        #expect(outcome.stdout.contains(drop), "the printed command removes the schema and the run's role")
        let owners = try database.query("SELECT string_agg(DISTINCT tableowner, ',') || ':' || count(*) FROM pg_tables WHERE schemaname = '\(schema)'")
        #expect(owners == "\(schema):2", "the kept schema holds the run's tables, made by the run's role")
        try database.query(drop)
        #expect(try database.runSchemas() == before)
    }

    @Test("a URL naming several hosts reaches libpq whole: the first refuses, the second serves")
    func severalHosts() async throws {
        let url = try #require(database.url.firstMatch(of: /^(postgres(?:ql)?:\/\/[^@\/]*@)([^\/?]+)(.*)$/))
        let twoHosts = "\(url.1)127.0.0.1:1,\(url.2)\(url.3)"
        let (outcome, _) = try await run("race-claim", seed: "0x7", workers: 4, store: twoHosts, extra: ["--messages", "50"])
        #expect(outcome.exitCode == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("127.0.0.1:1,"), "the store is shown as typed")
    }

    @Test("a run works only inside its schema: a same-named table in public is not touched")
    func touchesNothingOutsideItsSchema() async throws {
        try database.query("""
            CREATE TABLE public.messages (id TEXT PRIMARY KEY, claimed_by TEXT, claimed_attempt INTEGER);
            INSERT INTO public.messages (id) VALUES ('m-00000');
            """)
        defer { _ = try? database.query("DROP TABLE public.messages") }
        let publicTablesBefore = try database.query("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
        let (outcome, _) = try await run("race-claim-naive", seed: "0x11")
        #expect(outcome.exitCode == 1)
        #expect(try database.query("SELECT id || ':' || coalesce(claimed_by, 'unclaimed') FROM public.messages") == "m-00000:unclaimed")
        #expect(try database.query("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
            == publicTablesBefore)
        let schema = String(try #require(outcome.stdout.firstMatch(of: /DROP SCHEMA "(torture_[a-z0-9_]+)" CASCADE;/)?.1))
        #expect(try database.query("SELECT count(*) FROM \"\(schema)\".messages") == "1000")
        try database.dropRunSpace(schema)
    }

    @Test("a schema that already exists is refused and left alone")
    func existingSchemaRefused() throws {
        let name = try #require(RunSchemaName(validating: "torture_e2e_existing_\(getpid())"))
        let store = PostgresStore(url: try PostgresURL(parsing: database.url), schema: name)
        try store.createRunSpace(workers: 1)
        defer { _ = try? database.dropRunSpace(name.text) }
        try database.query("CREATE TABLE \"\(name)\".keep (id int); INSERT INTO \"\(name)\".keep VALUES (7)")
        #expect {
            try store.createRunSpace(workers: 1)
        } throws: { error in
            "\(error)".contains("already exists")
        }
        #expect(try database.query("SELECT id FROM \"\(name)\".keep") == "7")
        try store.dropRunSpace()
        #expect(try !database.runSchemas().contains(name.text))
    }

    @Test("a password in the connection string never reaches stdout, stderr or the report")
    func passwordNeverPrinted() async throws {
        let before = try database.runSchemas()
        let password = "pw-\(UUID().uuidString.prefix(12))"
        let withPassword = database.url.replacingOccurrences(of: "@", with: ":\(password)@", options: [], range: nil)
        try #require(withPassword.contains(password), "the test URL has a user part to add a password to")
        let unreachable = "postgres://postgres:\(password)@127.0.0.1:1/postgres?sslmode=disable&password=\(password)"

        var runs: [(TortureBinary.Outcome, String)] = []
        let violated = try await run("race-claim-naive", seed: "0x7", store: withPassword)
        #expect(violated.outcome.exitCode == 1, "the run must reach the server: \(violated.outcome.stderr)")
        runs.append(violated)
        let fromEnvironment = try await run("race-claim", seed: "0x7", store: "postgres",
                                            environment: ["TORTURE_DATABASE_URL": withPassword])
        #expect(fromEnvironment.outcome.exitCode == 0, "\(fromEnvironment.outcome.stdout)")
        runs.append(fromEnvironment)
        let refused = try await run("race-claim", seed: "0x7", store: unreachable)
        #expect(refused.outcome.exitCode == 3)
        runs.append(refused)
        let mistyped = try await run("race-claim", seed: "0x7", store: "postgress://postgres:\(password)@localhost/db")
        #expect(mistyped.outcome.exitCode == 2)
        runs.append(mistyped)

        for (outcome, reports) in runs {
            #expect(!outcome.stdout.contains(password), "stdout: \(outcome.stdout)")
            #expect(!outcome.stderr.contains(password), "stderr: \(outcome.stderr)")
            for file in Self.files(under: reports) {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                #expect(!text.contains(password), "\(file) holds the password")
            }
        }
        let reportJSON = Self.files(under: violated.1).filter { $0.hasSuffix("report.json") }
        #expect(reportJSON.count == 1)
        for schema in try database.runSchemas().subtracting(before) {
            try database.dropRunSpace(schema)
        }
    }

    /// Each delivery holds its backend in `pg_sleep` for 300 ms, so a sample of pg_stat_activity
    /// sees every processor that really runs at once: 64 with a thread each, 2 if they shared the
    /// cooperative pool. Timing noise on a loaded machine cannot bring 64 down to 2.
    static let sleepingScenario = """
        name: sleep-in-flight
        description: every delivery holds its backend in pg_sleep, to count statements in flight
        workload: { messages: 192, deliveries-per-message: 1, concurrent-deliveries: 1 }
        protocol:
          schema:
            postgres: CREATE TABLE unused (id TEXT);
          steps:
            - name: sleep
              role: read
              sql:
                postgres: SELECT pg_sleep(0.3), CAST(:message AS TEXT)
              success: row-returned
              on-success: done
              on-failure: fail
        invariants:
          - sql: { name: nothing, query: { postgres: "SELECT 1 WHERE false" } }
        """

    @Test("64 workers have 64 statements in flight at once")
    func statementsInFlight() async throws {
        let reports = TortureBinary.reportDirectory()
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        let scenario = reports + "/sleep-in-flight.yaml"
        try Self.sleepingScenario.write(toFile: scenario, atomically: true, encoding: .utf8)
        let running = try TortureBinary.Running([
            "run", scenario, "--workers", "64", "--seed", "0x64", "--store", database.url, "--report-dir", reports,
        ])
        var mostConnected = 0
        var mostActive = 0
        var exitCode: Int32?
        while exitCode == nil {
            let sample = try database.query("""
                SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity
                WHERE application_name LIKE 'torture\\_%\\_\(running.pid)'
                """).split(separator: "|").compactMap { Int($0) }
            if sample.count == 2 {
                mostConnected = max(mostConnected, sample[0])
                mostActive = max(mostActive, sample[1])
            }
            try await Task.sleep(for: .milliseconds(20))
            exitCode = running.exitCodeIfFinished()
        }
        let outcome = await running.finish(exitCode: exitCode)
        #expect(outcome.exitCode == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(mostConnected == 64, "one connection per worker")
        #expect(mostActive >= 60, "at least 60 of 64 backends executing a statement at one moment, saw \(mostActive)")
    }

    @Test("a server that does not have the connections is refused before the run, with the numbers and the remedy")
    func tooFewConnections() async throws {
        let before = try database.runSchemas()
        let (outcome, _) = try await run("race-claim", seed: "0x1", workers: 1_000)
        #expect(outcome.exitCode == 3)
        #expect(outcome.stdout.contains("max_connections"))
        #expect(outcome.stdout.contains("this run needs 1003"))
        #expect(outcome.stdout.contains("--workers"))
        #expect(try database.runSchemas() == before)
    }

    @Test("killing the server mid-run exits 3 within 10 s with the partial report written")
    func killedServer() async throws {
        let cluster = try DisposableCluster()
        defer { cluster.remove() }
        let reports = TortureBinary.reportDirectory()
        let running = try TortureBinary.Running([
            "run", "race-claim", "--workers", "64", "--messages", "20000", "--seed", "0xdead", "--store", cluster.url,
            "--scenarios", TortureBinary.packageRoot + "/scenarios", "--report-dir", reports,
        ])
        let server = TestDatabase(url: cluster.url)
        var connected = 0
        var exitCode: Int32?
        while exitCode == nil && connected < 64 {
            connected = Int(try server.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'torture\\_%'")) ?? 0
            try await Task.sleep(for: .milliseconds(20))
            exitCode = running.exitCodeIfFinished()
        }
        try #require(connected == 64, "the run must be processing when the server is killed")
        let killed = ContinuousClock.now
        try cluster.kill()
        let outcome = await running.finish(timeoutSeconds: 60, exitCode: exitCode)
        let afterKill = ContinuousClock.now - killed
        #expect(outcome.exitCode == 3, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(afterKill < .seconds(10), "exited \(afterKill) after the kill")
        #expect(outcome.stdout.contains("STORE FAILED"))
        let reportFiles = Self.files(under: reports).filter { $0.hasSuffix("/report.json") }
        try #require(reportFiles.count == 1, "report.json must be written")
        let report = try String(contentsOfFile: reportFiles[0], encoding: .utf8)
        #expect(report.contains("\"status\" : \"store-failed\""))
        #expect(!report.contains("\"deliveries\" : 0,"), "the partial report holds what was recorded")
    }

    private static func files(under folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        return enumerator.compactMap { $0 as? String }.map { "\(folder)/\($0)" }
            .filter { (try? FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType) == .typeRegular }
    }
}
