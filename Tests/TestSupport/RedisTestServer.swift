import Foundation
import RedisClient
import Synchronization

/// A throwaway `redis-server` that the test run starts itself, on a Unix socket in a
/// temporary directory. A watchdog shell ends it if the test process dies; a normal exit
/// stops it through `atexit`.
public final class RedisTestServer: Sendable {
    public let directory: URL
    public let socketPath: String
    private let extraArguments: [String]
    private let state = Mutex<WatchedServer?>(nil)

    /// The one server shared by every test of this run.
    public static func shared() throws -> RedisTestServer {
        try sharedServer.get()
    }

    private static let sharedServer: Result<RedisTestServer, any Error> = Result {
        try RedisTestServer(extraArguments: [])
    }

    private static let running = Mutex<[RedisTestServer]>([])

    /// A private server, for tests that stop, hang or kill Redis on purpose.
    public init(extraArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cinebook-redis-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("redis.sock").path
        self.extraArguments = extraArguments
        try start()
        Self.running.withLock { servers in
            if servers.isEmpty { atexit { RedisTestServer.stopAll() } }
            servers.append(self)
        }
    }

    public var url: RedisURL { RedisURL(endpoint: .unix(path: socketPath)) }
    public var urlString: String { "unix://\(socketPath)" }

    public var pid: Int32? { state.withLock { $0?.pid } }

    /// Starts the server (again, on the same data directory) and waits until it listens.
    public func start() throws {
        try? FileManager.default.removeItem(atPath: socketPath)
        let arguments = [
            "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700",
            "--dir", directory.path, "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
        ] + extraArguments
        let server = try WatchedServer.launch("redis-server", arguments, in: directory) {
            Self.accepts(socketPath) && isReady
        }
        state.withLock { $0 = server }
    }

    /// True when the server answers PONG: it listens early, but answers LOADING until it
    /// has read its append-only file.
    private var isReady: Bool {
        guard let descriptor = Self.connected(to: socketPath) else { return false }
        defer { close(descriptor) }
        let ping = Array("PING\r\n".utf8)
        guard write(descriptor, ping, ping.count) == ping.count else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 200) > 0 else { return false }
        var answer = [UInt8](repeating: 0, count: 64)
        let count = read(descriptor, &answer, answer.count)
        return count > 0 && String(decoding: answer[..<count], as: UTF8.self).hasPrefix("+PONG")
    }

    /// True when a connection to the Unix socket succeeds. The socket file appears at
    /// bind(2), a moment before the server listens, so its existence is not enough.
    private static func accepts(_ path: String) -> Bool {
        guard let descriptor = connected(to: path) else { return false }
        close(descriptor)
        return true
    }

    /// A socket connected to the Unix socket at `path`, or nil.
    private static func connected(to path: String) -> Int32? {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = path.utf8CString.map { UInt8(bitPattern: $0) }
        let fits = bytes.count <= MemoryLayout.size(ofValue: address.sun_path)
        if fits { withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) } }
        let ok = fits && withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        guard ok else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// SIGSTOP: the server hangs with its connections open.
    public func suspend() { signal(SIGSTOP) }
    /// SIGCONT after `suspend()`.
    public func resume() { signal(SIGCONT) }

    /// Stops the server; with `hard`, by SIGKILL as in a crash. Waits until it is gone.
    public func stop(hard: Bool = false) {
        state.withLock { current in defer { current = nil }; return current }?.stop(hard: hard)
    }

    private func signal(_ number: Int32) {
        if let pid { kill(pid, number) }
    }

    private static func stopAll() {
        for server in running.withLock({ $0 }) {
            server.stop()
            try? FileManager.default.removeItem(at: server.directory)
        }
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
