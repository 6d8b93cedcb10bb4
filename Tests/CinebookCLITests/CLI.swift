import CinebookSupport
import Foundation
import RedisClient
import Synchronization
import TestSupport

/// Runs the real `cinebook` binary, as a user or a script would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as the one JSON object `--json` promises.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// The binary built next to this test bundle (override with CINEBOOK_BIN).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["CINEBOOK_BIN"] { return path }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cinebook").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/cinebook").path
    }()

    var redis: String
    var fixtures: String
    var environment: [String: String] = [:]
    /// Seconds each command may wait for Redis (default: the command's own, 1 s). Tests of
    /// what commands do, not of how fast, give the shared Redis more time: the rest of the
    /// run loads it on the same two cores.
    var redisTimeout: Double?

    /// The database of record: by default an SQLite file beside the showtime files, seeded from them.
    var databaseURL: String?
    var database: String { databaseURL ?? "sqlite://\(fixtures)/cinebook.sqlite" }

    /// Runs `cinebook ARGS --redis ... --fixtures ... --database ...` and waits for it
    /// (killed after `limit` seconds: 30, more for a load run).
    func run(_ arguments: [String], redis: String? = nil, plain: Bool = false, limit: Int = 30) async throws -> Result {
        var extra = plain ? [] : ["--redis", redis ?? self.redis, "--fixtures", fixtures, "--database", database]
        if !plain, let redisTimeout, !arguments.contains("--redis-timeout") { extra += ["--redis-timeout", String(redisTimeout)] }
        return try await Self.execute(arguments + extra, environment: environment, limit: limit)
    }

    /// Runs the binary on a thread of its own, so waiting never holds up Swift's task threads.
    static func execute(_ arguments: [String], environment: [String: String] = [:], limit: Int = 30) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try executeBlocking(arguments, environment: environment, limit: limit) })
            }
        }
    }

    /// Runs through `ChildProcess` (posix_spawn and waitpid): no pipe of another test can
    /// leak into it, and no exit can go unnoticed. stderr goes to a file, stdout to a pipe.
    private static func executeBlocking(_ arguments: [String], environment: [String: String], limit: Int) throws -> Result {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errors) }
        let settings = environment.map { "\($0.key)=\($0.value)" }.sorted()
        let finished = try ChildProcess.run(
            "/usr/bin/env",
            ["-u", "REDIS_URL", "-u", "CINEBOOK_LOG_LEVEL"] + settings + [
                "CLI_STDERR=\(errors.path)", "CLI_LIMIT=\(limit)", "/bin/sh", "-c", #"exec timeout "$CLI_LIMIT" "$@" 2>"$CLI_STDERR""#, "sh", binary,
            ] + arguments)
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        return Result(status: finished.status, stdout: finished.output, stderr: stderr)
    }
}

/// Copies of the repository's showtime files under fresh ids, so that tests running at
/// the same time on one Redis never share a showtime.
enum CLIFixtures {
    private static let nextID = Atomic<Int>(Int.random(in: 500_000..<900_000))

    /// Every copy this test process makes lives below one directory, removed when the
    /// process ends, so that runs leave nothing behind.
    private static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-cli-fixtures-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        rootPath.withLock { $0 = root.path }
        atexit {
            if let path = CLIFixtures.rootPath.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
        return root
    }()
    private static let rootPath = Mutex<String?>(nil)

    /// A directory with one showtime copied from `Fixtures/showtime-<source>.json`; returns it and the new id.
    static func make(from source: Int = 2) throws -> (directory: String, id: Int) {
        let id = newID()
        return (try make(from: source, ids: [id]), id)
    }

    /// A directory with a copy of `Fixtures/showtime-<source>.json` under each of `ids`.
    static func make(from source: Int = 2, ids: [Int]) throws -> String {
        let text = try String(contentsOf: TestShowtimes.bundled.appendingPathComponent("showtime-\(source).json"), encoding: .utf8)
        // A directory of its own: a database left beside the files of an earlier run (ids
        // repeat across runs) would otherwise be taken for this run's.
        let directory = root.appendingPathComponent("fixtures-\(ids[0])-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for id in ids {
            let replaced = text.replacingOccurrences(of: "\"id\": \(source),", with: "\"id\": \(id),")
            try replaced.write(to: directory.appendingPathComponent("showtime-\(id).json"), atomically: true, encoding: .utf8)
        }
        return directory.path
    }

    /// A showtime id no other test of this run uses.
    static func newID() -> Int {
        nextID.add(100, ordering: .relaxed).newValue
    }
}
