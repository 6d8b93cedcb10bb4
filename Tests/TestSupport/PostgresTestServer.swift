import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatRecords

/// A throwaway PostgreSQL server that the test run starts itself: `initdb` into a
/// temporary directory and `pg_ctl start` on a free loopback port. PostgreSQL refuses to
/// run as root, so under root both run as the unprivileged `postgres` user. It is
/// stopped when the test process exits.
public final class PostgresTestServer: Sendable {
    public let directory: URL
    public let port: Int
    private let binaries: String

    /// The one server shared by every test of this run.
    public static func shared() throws -> PostgresTestServer {
        try sharedServer.get()
    }

    private static let sharedServer: Result<PostgresTestServer, any Error> = Result {
        let server = try PostgresTestServer()
        atexit { try? PostgresTestServer.sharedServer.get().stop() }
        return server
    }

    public init() throws {
        guard let binaries = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().last
            .map({ "/usr/lib/postgresql/\($0)/bin" })
        else { throw TestServerError(message: "PostgreSQL is not installed (apt-get install postgresql)") }
        self.binaries = binaries
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("cinebook-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 { _ = try ChildProcess.run("/bin/chown", ["postgres", directory.path]) }
        port = try unusedTCPPort()
        try run("initdb", ["-D", data, "-A", "trust", "-U", "cinebook", "--no-sync", "-E", "UTF8"])
        try run("pg_ctl", [
            "-D", data, "-l", directory.appendingPathComponent("log").path, "-w", "-t", "30", "start",
            "-o", "-k \(directory.path) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        ])
    }

    /// `postgres://cinebook@127.0.0.1:PORT/postgres`.
    public var url: RecordsURL {
        .postgres(.init(host: "127.0.0.1", port: port, user: "cinebook", password: nil, database: "postgres"))
    }

    public var urlString: String { url.description }

    /// A new, empty database on this server; its URL.
    public func createDatabase() throws -> String {
        let name = "test_\(UUID().uuidString.prefix(8).lowercased())"
        try execute("CREATE DATABASE \(name)")
        return "postgres://cinebook@127.0.0.1:\(port)/\(name)"
    }

    /// Runs one SQL statement with psql, as the superuser.
    @discardableResult
    public func execute(_ sql: String) throws -> String {
        let finished = try ChildProcess.run("\(binaries)/psql", [
            "-h", "127.0.0.1", "-p", String(port), "-U", "cinebook", "-d", "postgres", "-q", "-t", "-A", "-c", sql,
        ])
        guard finished.status == 0 else { throw TestServerError(message: "\(sql) failed: \(finished.output)") }
        return finished.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every COMMIT waits for a synchronous standby that does not exist: it is made on
    /// this server but never confirmed, until `confirmCommits()`.
    public func holdCommits() throws {
        try execute("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
        try reload(until: "nobody")
    }

    public func confirmCommits() throws {
        try execute("ALTER SYSTEM RESET synchronous_standby_names")
        try reload(until: "")
    }

    /// `pg_reload_conf()` only signals the server. Once a new session sees the setting, the
    /// server has read the file and signalled every session it had, so an open connection
    /// (the one under test) applies it before its next statement.
    private func reload(until value: String) throws {
        try execute("SELECT pg_reload_conf()")
        let deadline = Date().addingTimeInterval(10)
        while try execute("SHOW synchronous_standby_names") != value {
            guard Date() < deadline else { throw TestServerError(message: "synchronous_standby_names never became '\(value)'") }
            usleep(10_000)
        }
    }

    public func stop() throws {
        try run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGSTOP and SIGCONT of the server and of every backend it started: it hangs with
    /// its connections open.
    public func suspend() { signal(SIGSTOP) }
    public func resume() { signal(SIGCONT) }

    private func signal(_ number: Int32) {
        guard let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8),
              let postmaster = text.split(separator: "\n").first.flatMap({ Int32($0) })
        else { return }
        for child in Self.children(of: postmaster) { kill(child, number) }
        kill(postmaster, number)
    }

    /// The processes whose parent is `parent`, from /proc (each backend runs in a session of its own).
    private static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (name) ": the state, then the parent's pid.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }

    private var data: String { directory.appendingPathComponent("data").path }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let command = getuid() == 0 ? ("/usr/sbin/runuser", ["-u", "postgres", "--", "\(binaries)/\(tool)"] + arguments) : ("\(binaries)/\(tool)", arguments)
        let finished = try ChildProcess.run(command.0, command.1)
        guard finished.status == 0 else {
            throw TestServerError(message: "\(tool) failed (\(finished.status)): \(finished.output)")
        }
    }
}
