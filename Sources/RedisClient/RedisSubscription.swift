import CinebookSupport
import Foundation
import Synchronization

/// A sharded subscription (`SSUBSCRIBE`) to one pub/sub channel, on a connection and
/// thread of its own, at the node that serves the channel's slot.
///
/// It keeps itself alive: it pings the server while idle, notices a hung or restarted
/// server within the command timeout, and subscribes again with backoff. When the slot
/// moves to another node (`sunsubscribe`, or a `MOVED` answer) it finds the new node and
/// subscribes there. Each change of connection state is an event, so a front end can
/// show it.
public final class RedisSubscription: Sendable {
    public enum Event: Sendable, Hashable {
        /// Subscribed (again): messages sent from now on arrive.
        case subscribed
        case message([UInt8])
        /// The connection failed; messages are lost until the next `.subscribed`.
        case disconnected(RedisConnectionError)
    }

    public let channel: String
    public let events: AsyncStream<Event>
    private let cancellation = Cancellation()

    private static let idlePing = Duration.seconds(3)
    private static let maximumBackoff = Duration.seconds(5)

    /// `locate` names the node that serves the channel now; its argument says that the
    /// last attempt failed, so the cluster's map should be read again first.
    init(channel: String, timeouts: RedisTimeouts, locate: @escaping @Sendable (Bool) async throws -> RedisURL) {
        self.channel = channel
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        let thread = Thread { [self] in
            run(timeouts: timeouts, locate: locate, continuation: continuation)
        }
        continuation.onTermination = { [cancellation] _ in cancellation.cancel() }
        thread.name = "redis-subscription"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    deinit { cancel() }

    /// Unsubscribes and ends `events`; takes effect within a quarter of a second.
    public func cancel() {
        cancellation.cancel()
    }

    private var cancelled: Bool { cancellation.isCancelled }

    private func run(
        timeouts: RedisTimeouts,
        locate: @escaping @Sendable (Bool) async throws -> RedisURL,
        continuation: AsyncStream<Event>.Continuation
    ) {
        var backoff = Duration.milliseconds(100)
        var failed = false
        while !cancelled {
            var connection: RedisConnection?
            do {
                let fresh = failed
                let url = try Self.wait { try await locate(fresh) }
                connection = RedisConnection(url: url, timeouts: timeouts)
                try listen(on: connection!, continuation: continuation, onSubscribed: { backoff = .milliseconds(100) })
            } catch {
                connection?.disconnect()
                failed = true
                let reason = error as? RedisConnectionError
                    ?? RedisConnectionError(kind: .broken, endpoint: connection?.url.description ?? "", detail: "\(error)")
                continuation.yield(.disconnected(reason))
                pause(backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
        continuation.finish()
    }

    /// Runs async work from this plain thread, which may block (it is not Swift's pool).
    private static func wait<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<Value, any Error>?>(nil)
        Task {
            let outcome: Result<Value, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    private func listen(
        on connection: RedisConnection,
        continuation: AsyncStream<Event>.Continuation,
        onSubscribed: () -> Void
    ) throws(RedisConnectionError) {
        let clock = ContinuousClock()
        let moved = RedisConnectionError(kind: .broken, endpoint: connection.url.description, detail: "the channel's slot moved to another node")
        try connection.connect()
        try connection.write(RedisCommand("SSUBSCRIBE", [channel], routingKey: channel))
        let confirmation = try connection.readReply()
        if case let .error(message) = confirmation {
            throw RedisConnectionError(kind: .broken, endpoint: connection.url.description, detail: message)
        }
        continuation.yield(.subscribed)
        onSubscribed()
        var lastHeard = clock.now
        var pingSent: ContinuousClock.Instant?
        while !cancelled {
            if connection.waitForData(timeout: .milliseconds(250)) {
                let reply = try connection.readReply()
                lastHeard = clock.now
                pingSent = nil
                guard let parts = reply.array, parts.count == 3 else { continue }
                switch parts[0].string {
                case "smessage":
                    if case let .bulk(payload) = parts[2] { continuation.yield(.message(payload)) }
                case "sunsubscribe":
                    throw moved
                default:
                    continue
                }
            } else if let sent = pingSent {
                if clock.now - sent > connection.timeouts.command {
                    throw RedisConnectionError(
                        kind: .timeout, endpoint: connection.url.description,
                        detail: "\(connection.timeouts.command.seconds) s")
                }
            } else if clock.now - lastHeard > Self.idlePing {
                try connection.write(RedisCommand("PING"))
                pingSent = clock.now
            }
        }
        connection.disconnect()
    }

    private func pause(_ duration: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while !cancelled && clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// The flag that ends a subscription, shared with its stream's termination handler
/// (which must not keep the subscription itself alive).
private final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    var isCancelled: Bool { flag.load(ordering: .relaxed) }

    func cancel() { flag.store(true, ordering: .relaxed) }
}
