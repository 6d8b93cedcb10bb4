import CinebookSupport
import Foundation
import TestSupport

/// A `cinebook` process on the test run's shared Redis and the repository's fixtures.
final class ServeProcess {
    private let child: ChildProcess.Running

    static let binary: String = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cinebook").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return Repository.root.appendingPathComponent(".build/debug/cinebook").path
    }()

    /// Starts `cinebook ARGS`, with `$CINEBOOK_SECRET` set to `secret` or unset.
    init(_ arguments: [String], secret: String?) throws {
        let arguments = arguments + [
            "--redis", try RedisTestServer.shared().urlString,
            "--fixtures", TestShowtimes.bundled.path, "--log-level", "info",
            "--database", "sqlite://" + TestRecords.temporaryPath("serve"),
        ]
        child = try ChildProcess.launch(Self.binary, arguments, environment: Self.environment(secret: secret))
    }

    var stdout: String { child.stdout }
    var stderr: String { child.stderr }
    /// Running until it has ended and all it wrote has been read, so that a test that sees
    /// it stop also reads its last words.
    var isRunning: Bool { child.isRunning || !child.outputEnded }
    var exitStatus: Int32? { child.exitStatus }

    /// The rest of the first stdout line that starts (after spaces) with `prefix`.
    func line(after prefix: String) -> String? {
        stdout.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
    }

    /// SIGTERM, as a service manager stops it.
    func terminate() { child.signal(SIGTERM) }

    /// SIGKILL, for a test that failed before stopping it.
    func forceStop() { child.signal(SIGKILL) }

    /// Runs a command that ends by itself.
    static func run(_ arguments: [String], secret: String?) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess.launch(binary, arguments, environment: environment(secret: secret))
        let status = child.waitForExit()
        return (status, child.stdout, child.stderr)
    }

    private static func environment(secret: String?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["CINEBOOK_SECRET", "REDIS_URL", "CINEBOOK_LOG_LEVEL", "CINEBOOK_FIXTURES"] { environment.removeValue(forKey: name) }
        if let secret { environment["CINEBOOK_SECRET"] = secret }
        return environment
    }
}
