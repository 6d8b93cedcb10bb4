import CinebookSupport
import Foundation
import RedisClient

/// A server process the test run starts, with a watchdog shell that kills it if the test
/// process dies first (a crash, a kill), so no server outlives its run.
struct WatchedServer: Sendable {
    let pid: Int32
    let watchdog: Int32

    /// Starts `executable` with `arguments`; `isReady` is polled until it holds (or 10 s pass).
    static func launch(_ executable: String, _ arguments: [String], in directory: URL, isReady: () -> Bool) throws -> WatchedServer {
        let pidFile = directory.appendingPathComponent("\(executable).pid").path
        try? FileManager.default.removeItem(atPath: pidFile)
        let script = """
            "$0" "$@" & r=$!
            echo $r > '\(pidFile)'
            started() { cut -d' ' -f22 /proc/\(getpid())/stat 2>/dev/null; }
            owner=$(started)
            ( while [ "$(started)" = "$owner" ]; do sleep 1; done; kill -CONT $r; kill -9 $r ) >/dev/null 2>&1 &
            wait $r
            """
        let watchdog = try ChildProcess.spawn("/bin/sh", ["-c", script, executable] + arguments)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if isReady(), let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return WatchedServer(pid: pid, watchdog: watchdog)
            }
            if waitpid(watchdog, nil, WNOHANG) == watchdog { break }
            usleep(20_000)
        }
        throw TestServerError(message: "\(executable) did not start in \(directory.path); is it installed?")
    }

    /// Stops the server; with `hard`, by SIGKILL as in a crash. Waits until it is gone.
    func stop(hard: Bool = false) {
        kill(pid, SIGCONT)
        kill(pid, hard ? SIGKILL : SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while kill(pid, 0) == 0 {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        ChildProcess.wait(watchdog)
    }
}
