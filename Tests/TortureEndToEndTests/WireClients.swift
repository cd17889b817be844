import Foundation
import Testing

/// The clients the proxy tests put through it: psycopg 3 from the project's .venv
/// (scripts/python-env.sh), one small script whose first argument says what to do.
enum WireClients {
    static let python = TortureBinary.packageRoot + "/.venv/bin/python"

    /// Runs the script and returns its stdout, trimmed; a non-zero exit fails with its stderr.
    static func psycopg(_ mode: String, url: String, table: String = "") throws -> String {
        let child = try ChildProcess(executable: python, arguments: ["-c", script, mode, url, table])
        let code = child.exitCodeBlocking()
        guard code == 0 else {
            throw TestDatabase.PSQLFailure(description: "psycopg \(mode) failed (\(code)): \(child.stdout)\n\(child.stderr)")
        }
        return child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let script = """
        import sys, time, psycopg
        mode, url, table = sys.argv[1], sys.argv[2], sys.argv[3]
        conn = psycopg.connect(url, connect_timeout=10)
        if mode == "smoke":
            one = conn.execute("SELECT 1").fetchone()[0]
            answer = conn.execute("SELECT %s::int + 1", (41,)).fetchone()[0]
            conn.commit()
            print("ok", one, answer)
        elif mode == "commit":
            conn.execute(f"INSERT INTO {table} VALUES (%s)", (1,))
            try:
                conn.commit()
                print("committed")
            except psycopg.OperationalError as error:
                print("commit failed, closed:", conn.closed)
        elif mode in ("error-extended", "error-simple"):
            cursor = conn.cursor() if mode == "error-extended" else psycopg.ClientCursor(conn)
            try:
                cursor.execute(f"INSERT INTO {table} VALUES (%s)", (1,))
                print("inserted")
            except psycopg.Error as error:
                print("sqlstate", error.sqlstate, error.diag.message_primary)
            conn.rollback()
            print("then", conn.execute("SELECT 1").fetchone()[0])
            conn.commit()
        elif mode == "timed":
            started = time.monotonic()
            conn.execute("SELECT 1").fetchone()
            print(int((time.monotonic() - started) * 1000))
        conn.close()
        """
}
