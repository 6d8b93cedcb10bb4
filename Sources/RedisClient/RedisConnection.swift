import CHiredis
import CinebookSupport
import Foundation

/// How long to wait for a connection and for each reply.
public struct RedisTimeouts: Sendable, Hashable {
    public var connect: Duration
    public var command: Duration

    public init(connect: Duration = .seconds(1), command: Duration = .seconds(1)) {
        self.connect = connect
        self.command = command
    }
}

/// One blocking hiredis connection. It owns its `redisContext` and frees it; it is not
/// thread-safe, so exactly one thread (a `ConnectionWorker` or a subscription) uses it.
final class RedisConnection {
    let url: RedisURL
    let timeouts: RedisTimeouts
    private var context: UnsafeMutablePointer<redisContext>?
    /// How long a read waits now: the command timeout, or less when an operation's
    /// deadline comes sooner.
    private var replyWait: Duration

    init(url: RedisURL, timeouts: RedisTimeouts) {
        self.url = url
        self.timeouts = timeouts
        replyWait = timeouts.command
    }

    deinit { disconnect() }

    func disconnect() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Connects unless connected and healthy. A connection whose server has closed it
    /// (a restart, an idle timeout) is noticed here, before a command is written to it.
    /// Connecting waits until `end` at most.
    func ensureConnected(until end: ContinuousClock.Instant? = nil) throws(RedisConnectionError) {
        if let context, !Self.peerHasClosed(fd: context.pointee.fd) { return }
        try connect(until: end)
    }

    func connect(until end: ContinuousClock.Instant? = nil) throws(RedisConnectionError) {
        _ = Self.ignoreBrokenPipes
        disconnect()
        let deadline = min(ContinuousClock.now + timeouts.connect, end ?? .now + timeouts.connect)
        guard deadline > .now else {
            throw RedisConnectionError(kind: .outOfTime, endpoint: url.description, detail: timeouts.connect.spokenWait)
        }
        let wait = timeval(deadline - .now)
        var pause = Duration.milliseconds(1)
        var made: UnsafeMutablePointer<redisContext>?
        while true {
            switch url.endpoint {
            case let .tcp(host, port): made = redisConnectWithTimeout(host, Int32(port), wait)
            case let .unix(path): made = redisConnectUnixWithTimeout(path, wait)
            }
            guard let attempt = made else {
                throw RedisConnectionError(kind: .connect, endpoint: url.description, detail: "out of memory")
            }
            guard attempt.pointee.err != 0 else { break }
            let detail = Self.errorText(attempt)
            redisFree(attempt)
            // A Unix socket whose queue of connections is full says "try again" (EAGAIN)
            // at once: a busy server, not a missing one. Tried again until the timeout.
            let busy = { if case .unix = url.endpoint { Posix.saysWouldBlock(detail) } else { false } }()
            guard busy, ContinuousClock.now + pause < deadline else {
                throw RedisConnectionError(kind: .connect, endpoint: url.description, detail: detail)
            }
            Thread.sleep(forTimeInterval: Double(pause.milliseconds) / 1000)
            pause = min(pause * 2, .milliseconds(50))
        }
        guard let made else { return }
        replyWait = timeouts.command
        redisSetTimeout(made, timeval(replyWait))
        if case .tcp = url.endpoint { redisEnableKeepAlive(made) }
        context = made
        try handshake()
    }

    /// hiredis writes with write(2), so a write to a connection the server has just closed
    /// (a restart, or a command it refuses mid-stream) raises SIGPIPE, which would end the
    /// whole process. Ignored, the write fails with EPIPE and becomes a connection error.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    private func handshake() throws(RedisConnectionError) {
        var commands: [RedisCommand] = []
        if let password = url.password {
            commands.append(RedisCommand("AUTH", [url.username, password].compactMap { $0 }))
        }
        if url.database != 0 { commands.append(RedisCommand("SELECT", [String(url.database)])) }
        guard !commands.isEmpty else { return }
        for reply in try execute(commands) {
            if case let .error(message) = reply {
                disconnect()
                throw RedisConnectionError(kind: .handshake, endpoint: url.description, detail: message)
            }
        }
    }

    /// Reads wait until `end`, and never longer than the command timeout. The socket's
    /// timeout is never shorter than that (an operation never gives up early), and is left a
    /// few milliseconds longer rather than changed for every call.
    func waitForReplies(until end: ContinuousClock.Instant?) {
        guard let context else { return }
        let wait = max(.milliseconds(1), min(timeouts.command, end.map { $0 - .now } ?? timeouts.command))
        guard wait > replyWait || replyWait - wait > Self.waitSlack else { return }
        replyWait = wait
        redisSetTimeout(context, timeval(wait))
    }

    private static let waitSlack = Duration.milliseconds(5)

    /// Writes all commands, then reads one reply per command (pipelining).
    /// Error replies come back as `.error`; only a broken connection throws, and then
    /// the connection is closed so that the next call reconnects.
    func execute(_ commands: [RedisCommand]) throws(RedisConnectionError) -> [RedisReply] {
        guard let context else {
            throw RedisConnectionError(kind: .broken, endpoint: url.description, detail: "not connected")
        }
        for command in commands where Self.append(command, to: context) != REDIS_OK {
            throw failure(context)
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try readReply()) }
        return replies
    }

    /// Writes one command without reading its reply (SUBSCRIBE, PING on a subscription).
    func write(_ command: RedisCommand) throws(RedisConnectionError) {
        guard let context else {
            throw RedisConnectionError(kind: .broken, endpoint: url.description, detail: "not connected")
        }
        guard Self.append(command, to: context) == REDIS_OK else { throw failure(context) }
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw failure(context) }
        }
    }

    /// Reads the next reply, blocking up to the command timeout.
    func readReply() throws(RedisConnectionError) -> RedisReply {
        guard let context else {
            throw RedisConnectionError(kind: .broken, endpoint: url.description, detail: "not connected")
        }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(context) }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(reply) }
        return Self.copy(reply)
    }

    /// Waits until a reply can be read without blocking, or the time is up.
    func waitForData(timeout: Duration) -> Bool {
        guard let context else { return false }
        var descriptors = [pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)]
        return ((try? Posix.poll(&descriptors, timeout: timeout)) ?? 0) > 0
    }

    private func failure(_ context: UnsafeMutablePointer<redisContext>) -> RedisConnectionError {
        let detail = Self.errorText(context)
        let timedOut = context.pointee.err == REDIS_ERR_IO
            && (errno == EAGAIN || errno == EWOULDBLOCK || Posix.saysWouldBlock(detail))
        disconnect()
        if timedOut {
            return RedisConnectionError(kind: .timeout, endpoint: url.description, detail: replyWait.spokenWait)
        }
        return RedisConnectionError(kind: .broken, endpoint: url.description, detail: detail)
    }

    private static func append(_ command: RedisCommand, to context: UnsafeMutablePointer<redisContext>) -> Int32 {
        let arguments = command.arguments
        let lengths = arguments.map(\.count)
        // One contiguous buffer (plus a guard byte, so it is never empty) holds every argument.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lengths.reduce(1, +))
        for argument in arguments { bytes.append(contentsOf: argument) }
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(arguments.count)
            var offset = 0
            for length in lengths {
                pointers.append(base.advanced(by: offset).assumingMemoryBound(to: CChar.self))
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvLengths in
                    redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvLengths.baseAddress)
                }
            }
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch Int32(value.type) {
        case REDIS_REPLY_STRING:
            return .bulk(Array(UnsafeRawBufferPointer(start: value.str, count: value.len)))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: UnsafeRawBufferPointer(start: value.str, count: value.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: UnsafeRawBufferPointer(start: value.str, count: value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(value.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = value.element else { return .array([]) }
            return .array((0..<value.elements).map { index in
                elements[index].map(copy) ?? .null
            })
        default:
            return .null
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "unknown error" : text
    }

    /// True when the server has closed the connection or sent something unasked:
    /// with no command in flight, a readable socket means it can no longer be used.
    private static func peerHasClosed(fd: Int32) -> Bool {
        var descriptors = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        return ((try? Posix.poll(&descriptors, timeout: .zero)) ?? 1) != 0
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

