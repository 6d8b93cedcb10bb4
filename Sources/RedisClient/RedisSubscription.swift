import Foundation
import Synchronization

/// A subscription to one pub/sub channel, on a connection and thread of its own.
///
/// It keeps itself alive: it pings the server while idle, notices a hung or restarted
/// server within the command timeout, and subscribes again with backoff. Each change
/// of connection state is an event, so a front end can show it.
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

    init(url: RedisURL, timeouts: RedisTimeouts, channel: String) {
        self.channel = channel
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        let thread = Thread { [self] in
            run(connection: RedisConnection(url: url, timeouts: timeouts), continuation: continuation)
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

    private func run(connection: RedisConnection, continuation: AsyncStream<Event>.Continuation) {
        var backoff = Duration.milliseconds(100)
        while !cancelled {
            do {
                try listen(on: connection, continuation: continuation, onSubscribed: { backoff = .milliseconds(100) })
            } catch {
                connection.disconnect()
                continuation.yield(.disconnected(error))
                pause(backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
        connection.disconnect()
        continuation.finish()
    }

    private func listen(
        on connection: RedisConnection,
        continuation: AsyncStream<Event>.Continuation,
        onSubscribed: () -> Void
    ) throws(RedisConnectionError) {
        let clock = ContinuousClock()
        try connection.connect()
        try connection.write(RedisCommand("SUBSCRIBE", [channel], routingKey: channel))
        _ = try connection.readReply()
        continuation.yield(.subscribed)
        onSubscribed()
        var lastHeard = clock.now
        var pingSent: ContinuousClock.Instant?
        while !cancelled {
            if connection.waitForData(timeout: .milliseconds(250)) {
                let reply = try connection.readReply()
                lastHeard = clock.now
                pingSent = nil
                if let parts = reply.array, parts.count == 3, parts[0].string == "message", case let .bulk(payload) = parts[2] {
                    continuation.yield(.message(payload))
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
