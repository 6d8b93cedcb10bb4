import Hummingbird
import SeatLocking

/// The text of one showtime's event stream: each seat change as a Server-Sent Event,
/// `connected`/`disconnected` as the Redis feed comes and goes, and a comment line as a
/// heartbeat while nothing happens.
final class SeatEventFrames: Sendable {
    let frames: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation

    init(feed: AsyncStream<SeatFeedEvent>, showtime: Int, heartbeat: Duration) {
        (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1024))
        continuation.yield(ByteBuffer(string: "retry: 2000\n\n"))
        let relay = Task { [continuation] in
            for await event in feed {
                continuation.yield(ByteBuffer(string: Self.frame(event, showtime: showtime)))
            }
            continuation.finish()
        }
        let beat = Task { [continuation] in
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                continuation.yield(ByteBuffer(string: ": keepalive\n\n"))
            }
        }
        continuation.onTermination = { _ in
            relay.cancel()
            beat.cancel()
        }
    }

    deinit { finish() }

    /// Ends the stream and the feed behind it.
    func finish() { continuation.finish() }

    static func frame(_ event: SeatFeedEvent, showtime: Int) -> String {
        let name: String
        let data: String
        switch event {
        case .connected:
            name = "connected"
            data = SeatLockingJSON.encode(SeatEventJSON.Notice(event: name, showtime_id: showtime, message: nil))
        case let .disconnected(reason):
            name = "disconnected"
            data = SeatLockingJSON.encode(SeatEventJSON.Notice(
                event: name, showtime_id: showtime,
                message: "Lost the live feed (\(reason)); reconnecting. Reload the status after the next `connected`."))
        case let .change(change):
            name = change.kind.rawValue
            data = SeatLockingJSON.encode(SeatEventJSON.Change(change))
        }
        return "event: \(name)\ndata: \(data)\n\n"
    }
}
