import Foundation
import Synchronization

/// Starts helper programs (`redis-server`, `tmux`, a shell) the way a shell would:
/// default signal handlers, an empty signal mask, and none of this process's other
/// descriptors. A child started by Foundation's `Process` inherits the signals its
/// parent's threads block (a `redis-server` that blocks SIGTERM can't be stopped
/// politely, a seat map that blocks SIGHUP never hears its pane close) and every
/// descriptor not marked close-on-exec (a long-lived server then keeps our pipes open).
public enum ChildProcess {
    public enum Output: Sendable {
        /// stdin, stdout and stderr on /dev/null.
        case discard
        /// stdout and stderr collected and returned; stdin on /dev/null.
        case capture
        /// This process's own terminal.
        case inherit
        /// This process's stderr for both stdout and stderr (stdout stays clean for the
        /// caller's own output); stdin on /dev/null.
        case standardError
    }

    public struct Finished: Sendable {
        /// Exit status, or 128 + the signal that ended it.
        public let status: Int32
        public let output: String
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let path: String
        public let code: Int32
        public var description: String { "cannot run \(path): \(Posix.words(code))" }
    }

    /// The first executable called `name` on `$PATH` or in the usual places.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"]
        return directories.lazy.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `path` in the background with its output discarded; returns its pid.
    public static func spawn(_ path: String, _ arguments: [String]) throws(SpawnError) -> pid_t {
        try start(path, arguments, output: .discard)
    }

    /// Runs `path` to its end.
    public static func run(_ path: String, _ arguments: [String], output: Output = .capture) throws(SpawnError) -> Finished {
        var ends: [Int32] = [-1, -1]
        if output == .capture {
            // Close-on-exec, so that no other child started meanwhile inherits the pipe.
            do { (ends[0], ends[1]) = try Posix.pipe() } catch { throw SpawnError(path: path, code: error.code) }
        }
        let pid: pid_t
        do {
            pid = try start(path, arguments, output: output, into: output == .capture ? (ends[1], ends[1]) : nil)
        } catch {
            if output == .capture { close(ends[0]); close(ends[1]) }
            throw error
        }
        var bytes: [UInt8] = []
        if output == .capture {
            close(ends[1])
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while let count = try? Posix.call("read", { read(ends[0], &chunk, chunk.count) }), count > 0 {
                bytes += chunk[0..<count]
            }
            close(ends[0])
        }
        return Finished(status: wait(pid), output: String(decoding: bytes, as: UTF8.self))
    }

    /// Waits for a child to end and returns its exit status (or 128 + signal).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var raw: Int32 = 0
        _ = try? Posix.call("waitpid") { waitpid(pid, &raw, 0) }
        return status(raw)
    }

    /// Starts `path` in the background with stdout and stderr each collected as they
    /// arrive, by threads of its own (plain reads: no dispatch sources, whose handling of
    /// pipes in Foundation's `Process` can crash the process that watches them).
    /// `environment` replaces this process's own when given.
    public static func launch(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws(SpawnError) -> Running {
        let pipes: [(read: Int32, write: Int32)]
        do { pipes = [try Posix.pipe(), try Posix.pipe()] } catch { throw SpawnError(path: path, code: error.code) }
        defer { for end in pipes { close(end.write) } }
        do {
            let pid = try start(path, arguments, output: .capture, into: (pipes[0].write, pipes[1].write), environment: environment)
            return Running(pid: pid, stdout: pipes[0].read, stderr: pipes[1].read)
        } catch {
            for end in pipes { close(end.read) }
            throw error
        }
    }

    /// A child started by `launch`: its output so far, and its end.
    public final class Running: Sendable {
        public let pid: pid_t
        private let output = Mutex<(stdout: [UInt8], stderr: [UInt8])>(([], []))
        private let ended = Mutex<Int32?>(nil)
        private let drained: [DispatchSemaphore]
        private let openPipes = Mutex(2)

        fileprivate init(pid: pid_t, stdout: Int32, stderr: Int32) {
            self.pid = pid
            drained = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
            for (descriptor, isStandardError) in [(stdout, false), (stderr, true)] {
                // Each reader keeps the child's record alive until its pipe ends.
                let thread = Thread { [self] in
                    var chunk = [UInt8](repeating: 0, count: 65_536)
                    while let count = try? Posix.call("read", { read(descriptor, &chunk, chunk.count) }), count > 0 {
                        output.withLock {
                            if isStandardError { $0.stderr += chunk[0..<count] } else { $0.stdout += chunk[0..<count] }
                        }
                    }
                    close(descriptor)
                    openPipes.withLock { $0 -= 1 }
                    drained[isStandardError ? 1 : 0].signal()
                }
                thread.name = "child-output"
                thread.start()
            }
        }

        public var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
        public var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

        /// The exit status (or 128 + signal) once the child has ended; nil while it runs.
        public var exitStatus: Int32? {
            ended.withLock { status in
                if status == nil {
                    var raw: Int32 = 0
                    if (try? Posix.call("waitpid", { waitpid(pid, &raw, WNOHANG) })) == pid { status = ChildProcess.status(raw) }
                }
                return status
            }
        }

        public var isRunning: Bool { exitStatus == nil }

        /// Whether both output pipes have ended, so that `stdout` and `stderr` hold all the
        /// child wrote. A child can be seen to end before its last words are read.
        public var outputEnded: Bool { openPipes.withLock { $0 == 0 } }

        /// Sends `signal` unless the child has already ended (and its pid may be reused).
        public func signal(_ number: Int32) {
            ended.withLock { status in
                if status == nil { kill(pid, number) }
            }
        }

        /// Waits for the child to end and for the last of its output; its exit status.
        @discardableResult
        public func waitForExit() -> Int32 {
            for semaphore in drained {
                semaphore.wait()
                semaphore.signal()
            }
            return ended.withLock { status in
                if status == nil { status = ChildProcess.wait(pid) }
                return status!
            }
        }
    }

    /// An exit status from waitpid's raw status: the code, or 128 + the signal.
    private static func status(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    private static func start(
        _ path: String, _ arguments: [String], output: Output, into writers: (stdout: Int32, stderr: Int32)? = nil,
        environment: [String: String]? = nil
    ) throws(SpawnError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .capture:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            if let writers {
                posix_spawn_file_actions_adddup2(&actions, writers.stdout, 1)
                posix_spawn_file_actions_adddup2(&actions, writers.stderr, 2)
            }
        case .inherit:
            break
        case .standardError:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        }
        // Nothing else the parent has open reaches the child: a pipe another thread opens
        // meanwhile would otherwise stay open in a long-lived child, and its reader never
        // see the end. Closed in the child itself, at the spawn, so there is no window.
        _ = closeFrom(&actions, 3)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in environment { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
        guard result == 0 else { throw SpawnError(path: path, code: result) }
        return pid
    }

}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its header
/// declares only for GNU sources, so Swift does not see it: declared here by its C name.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
