import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking
import Synchronization

/// One showtime's events for one client, as the event stream and the WebSocket send them:
/// each seat change with the showtime's version after it as its `id`, `connected`/`disconnected`
/// as the Redis feed comes and goes, `resync` when the client has missed changes (its
/// `Last-Event-ID`, or the last event it got, is older than the showtime's version once the
/// feed is back), a heartbeat while nothing happens, and `token_expired` as the last event
/// when the client's token runs out.
final class SeatEventFrames: Sendable {
    /// One event, with its text for each transport made once.
    struct Frame: Sendable {
        let name: String
        let id: Int64?
        /// The event's JSON.
        let data: String
        /// As a Server-Sent Event.
        let serverSent: ByteBuffer

        init(name: String, id: Int64?, data: String) {
            self.name = name
            self.id = id
            self.data = data
            serverSent = ByteBuffer(string: (id.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(data)\n\n")
        }

        /// As a WebSocket message, `{"event": …, "id": …, "data": …}`.
        var socketText: String { SeatSocketJSON.event(name, id: id, data: data) }
    }

    enum Item: Sendable {
        case event(Frame)
        /// Nothing happened for a while: an event stream sends a comment, so that a dead
        /// connection is noticed; a WebSocket has its own pings.
        case heartbeat
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    /// `version` reads the showtime's version now (nil when Redis does not say).
    init(
        feed: AsyncStream<SeatFeedEvent>, showtime: Int, heartbeat: Duration?, lastEventID: Int64?, tokenExpires: Date? = nil,
        version: @escaping @Sendable () async -> Int64?
    ) {
        (items, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(1024))
        let relay = Task { [continuation] in
            var seen = lastEventID
            for await event in feed {
                if case .connected = event {
                    let current = await version()
                    continuation.yield(.event(Self.notice("connected", showtime: showtime, version: current)))
                    if let seen, let current, current > seen {
                        continuation.yield(.event(Self.notice(
                            "resync", showtime: showtime, version: current,
                            message: "Seats changed since version \(seen); reload the status.")))
                    }
                    seen = current ?? seen
                } else if case let .change(change) = event {
                    continuation.yield(.event(Self.sharedFrame(change, showtime: showtime)))
                    if let version = change.version { seen = version }
                } else {
                    continuation.yield(.event(Self.frame(event, showtime: showtime)))
                }
            }
            continuation.finish()
        }
        let beat = Task { [continuation] in
            guard let heartbeat else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                continuation.yield(.heartbeat)
            }
        }
        // A stream lives no longer than the token that opened it.
        let expiry = Task { [continuation] in
            guard let tokenExpires else { return }
            try? await Task.sleep(for: .milliseconds(max(0, Int64(tokenExpires.timeIntervalSinceNow * 1000))))
            guard !Task.isCancelled else { return }
            continuation.yield(.event(Self.notice(
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

    /// The frame of the latest change, made once for every client that relays it: with
    /// ten thousand streams on a showtime, one change is one encoding, not ten thousand.
    private static let latest = Mutex<(change: SeatEvent, showtime: Int, frame: Frame)?>(nil)

    static func sharedFrame(_ change: SeatEvent, showtime: Int) -> Frame {
        if let cached = latest.withLock({ $0 }), cached.change == change, cached.showtime == showtime { return cached.frame }
        let frame = Self.frame(.change(change), showtime: showtime)
        latest.withLock { $0 = (change, showtime, frame) }
        return frame
    }

    static func frame(_ event: SeatFeedEvent, showtime: Int) -> Frame {
        switch event {
        case .connected:
            return notice("connected", showtime: showtime, version: nil)
        case let .disconnected(reason):
            return notice(
                "disconnected", showtime: showtime, version: nil,
                message: "Lost the live feed (\(reason)); reconnecting. Reload the status after the next `connected`.")
        case let .change(change):
            return Frame(name: change.kind.rawValue, id: change.version, data: SeatLockingJSON.encode(SeatEventJSON.Change(change)))
        }
    }

    /// A notice about the stream itself; with a version, it is the event's `id`.
    static func notice(_ name: String, showtime: Int, version: Int64?, message: String? = nil) -> Frame {
        let data = SeatLockingJSON.encode(SeatEventJSON.Notice(event: name, showtimeID: showtime, version: version, message: message))
        return Frame(name: name, id: version, data: data)
    }
}
