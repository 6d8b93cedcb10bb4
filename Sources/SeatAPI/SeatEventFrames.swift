import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking
import Synchronization

/// The text of one showtime's event stream: each seat change as a Server-Sent Event whose
/// `id` is the showtime's version after it, `connected`/`disconnected` as the Redis feed
/// comes and goes, `resync` when the client has missed changes (its `Last-Event-ID`, or the
/// last event of this stream, is older than the showtime's version once the feed is back),
/// a comment line as a heartbeat while nothing happens, and `token_expired` as the last
/// event when the client's token runs out.
final class SeatEventFrames: Sendable {
    let frames: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation

    /// `version` reads the showtime's version now (nil when Redis does not say).
    init(
        feed: AsyncStream<SeatFeedEvent>, showtime: Int, heartbeat: Duration, lastEventID: Int64?, tokenExpires: Date? = nil,
        version: @escaping @Sendable () async -> Int64?
    ) {
        (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1024))
        continuation.yield(ByteBuffer(string: "retry: 2000\n\n"))
        let relay = Task { [continuation] in
            var seen = lastEventID
            for await event in feed {
                if case .connected = event {
                    let current = await version()
                    continuation.yield(ByteBuffer(string: Self.notice("connected", showtime: showtime, version: current)))
                    if let seen, let current, current > seen {
                        continuation.yield(ByteBuffer(string: Self.notice(
                            "resync", showtime: showtime, version: current,
                            message: "Seats changed since version \(seen); reload the status.")))
                    }
                    seen = current ?? seen
                } else if case let .change(change) = event {
                    continuation.yield(Self.sharedFrame(change, showtime: showtime))
                    if let version = change.version { seen = version }
                } else {
                    continuation.yield(ByteBuffer(string: Self.frame(event, showtime: showtime)))
                }
            }
            continuation.finish()
        }
        let beat = Task { [continuation] in
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                continuation.yield(ByteBuffer(string: ": keepalive\n\n"))
            }
        }
        // A stream lives no longer than the token that opened it.
        let expiry = Task { [continuation] in
            guard let tokenExpires else { return }
            try? await Task.sleep(for: .milliseconds(max(0, Int64(tokenExpires.timeIntervalSinceNow * 1000))))
            guard !Task.isCancelled else { return }
            continuation.yield(ByteBuffer(string: Self.notice(
                "token_expired", showtime: showtime, version: nil,
                message: "The access token has expired; open the stream again with a new one.")))
            continuation.finish()
        }
        continuation.onTermination = { _ in
            relay.cancel()
            beat.cancel()
            expiry.cancel()
        }
    }

    deinit { finish() }

    /// Ends the stream and the feed behind it.
    func finish() { continuation.finish() }

    /// The frame of the latest change, written once for every stream that relays it: with
    /// ten thousand streams on a showtime, one change is one encoding, not ten thousand.
    private static let latest = Mutex<(change: SeatEvent, showtime: Int, frame: ByteBuffer)?>(nil)

    static func sharedFrame(_ change: SeatEvent, showtime: Int) -> ByteBuffer {
        if let cached = latest.withLock({ $0 }), cached.change == change, cached.showtime == showtime { return cached.frame }
        let frame = ByteBuffer(string: Self.frame(.change(change), showtime: showtime))
        latest.withLock { $0 = (change, showtime, frame) }
        return frame
    }

    static func frame(_ event: SeatFeedEvent, showtime: Int) -> String {
        switch event {
        case .connected:
            return notice("connected", showtime: showtime, version: nil)
        case let .disconnected(reason):
            return notice(
                "disconnected", showtime: showtime, version: nil,
                message: "Lost the live feed (\(reason)); reconnecting. Reload the status after the next `connected`.")
        case let .change(change):
            let data = SeatLockingJSON.encode(SeatEventJSON.Change(change))
            return (change.version.map { "id: \($0)\n" } ?? "") + "event: \(change.kind.rawValue)\ndata: \(data)\n\n"
        }
    }

    /// A notice about the stream itself; with a version, it is the event's `id`.
    static func notice(_ name: String, showtime: Int, version: Int64?, message: String? = nil) -> String {
        let data = SeatLockingJSON.encode(SeatEventJSON.Notice(event: name, showtimeID: showtime, version: version, message: message))
        return (version.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(data)\n\n"
    }
}
