import CinebookSupport
import Foundation
import RedisClient

/// Decides which Redis a command uses: `--redis`, else `$REDIS_URL`, else a server at
/// 127.0.0.1:6379 if one answers, else cinebook's own server on a Unix socket under the
/// user's state directory, started on first need and shared by every later process.
struct RedisLocator {
    let timeouts: RedisTimeouts
    var environment = ProcessInfo.processInfo.environment

    func resolve(explicit: String?) async throws(StartupError) -> RedisURL {
        if let text = explicit ?? environment["REDIS_URL"], !text.isEmpty {
            do { return try RedisURL(parsing: text) } catch {
                throw StartupError(.invalidRequest, message: error.description)
            }
        }
        let standard = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: RedisURL.defaultPort))
        if await answers(standard) { return standard }
        return try await EmbeddedRedis(stateDirectory: stateDirectory).url(answers: answers)
    }

    /// `$XDG_STATE_HOME/cinebook`, else `~/.local/state/cinebook`.
    var stateDirectory: URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("cinebook")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/cinebook")
    }

    private func answers(_ url: RedisURL) async -> Bool {
        let probe = RedisClient(url: url, timeouts: RedisTimeouts(connect: .milliseconds(300), command: timeouts.command))
        defer { probe.close() }
        return (try? await probe.ping()) != nil
    }
}

/// cinebook's own `redis-server`: durable (`appendonly yes`, `appendfsync always`),
/// reachable only through a Unix socket that only this user may open.
struct EmbeddedRedis {
    let stateDirectory: URL

    var socketPath: String {
        let path = stateDirectory.appendingPathComponent("redis.sock").path
        // A Unix socket path must fit in 108 bytes.
        return path.utf8.count < 100 ? path : "/tmp/cinebook-\(getuid())/redis.sock"
    }

    func url(answers: (RedisURL) async -> Bool) async throws(StartupError) -> RedisURL {
        let url = RedisURL(endpoint: .unix(path: socketPath))
        if await answers(url) { return url }
        let lock = try lockStateDirectory()
        defer { close(lock) }
        if await answers(url) { return url }
        // A server that runs but does not answer (stopped, or stuck) is not replaced: a
        // second one on the same data would share its append-only file.
        if let pid = runningServer {
            throw StartupError(.redisUnavailable,
                message: """
                    cinebook's own Redis (pid \(pid), at \(socketPath)) is running but does not answer; it may be busy \
                    or stopped. Try again, or restart it: kill \(pid), and the next command starts it again.
                    """)
        }
        try start()
        for _ in 0..<100 {
            if await answers(url) {
                FileHandle.standardError.write(Data("""
                    cinebook: no Redis configured, so it started its own at \(url) \
                    (data in \(stateDirectory.path); stop it with: redis-cli -s \(socketPath) shutdown)

                    """.utf8))
                return url
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw StartupError(.redisUnavailable,
            message: "The Redis started at \(socketPath) did not answer; see \(stateDirectory.path)/redis.log.")
    }

    /// The process id of the server this directory's pid file names, if it still runs.
    private var runningServer: Int32? {
        let pidFile = stateDirectory.appendingPathComponent("redis.pid").path
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
              command.contains("redis-server")
        else { return nil }
        return pid
    }

    /// Only one process starts the server; the others wait for it and then use it.
    private func lockStateDirectory() throws(StartupError) -> Int32 {
        let socketDirectory = URL(fileURLWithPath: socketPath).deletingLastPathComponent()
        for directory in [stateDirectory, socketDirectory] {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StartupError(.redisUnavailable, message: "Cannot create \(directory.path) for cinebook's Redis: \(error.localizedDescription)")
            }
        }
        let descriptor = open(stateDirectory.appendingPathComponent("redis.lock").path, O_CREAT | O_RDWR, 0o600)
        guard descriptor >= 0 else {
            throw StartupError(.redisUnavailable, message: "Cannot lock \(stateDirectory.path).")
        }
        flock(descriptor, LOCK_EX)
        return descriptor
    }

    private func start() throws(StartupError) {
        guard let server = ChildProcess.find("redis-server") else {
            throw StartupError(.redisUnavailable,
                message: """
                    No Redis is configured, nothing answers at 127.0.0.1:6379, and redis-server is not installed. \
                    Install it (apt-get install redis-server) or pass --redis URL.
                    """)
        }
        try? FileManager.default.removeItem(atPath: socketPath)
        let arguments = [
            "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700",
            "--dir", stateDirectory.path, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--maxmemory-policy", "noeviction",
            "--daemonize", "yes", "--pidfile", stateDirectory.appendingPathComponent("redis.pid").path,
            "--logfile", stateDirectory.appendingPathComponent("redis.log").path,
        ]
        do {
            // With --daemonize the first process exits as soon as the server runs in the background.
            ChildProcess.wait(try ChildProcess.spawn(server, arguments))
        } catch {
            throw StartupError(.redisUnavailable, message: error.description)
        }
    }
}
