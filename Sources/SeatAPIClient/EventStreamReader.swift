import AsyncHTTPClient
import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import NIOCore

/// A showtime's event stream (`GET …/seats/events`) read as the core's feed: `connected`
/// when the stream opens (and on `resync`, which also asks for a reload), each change as
/// `.change`, and `.disconnected` when the stream breaks, after which it reconnects by
/// itself with backoff, resuming with `Last-Event-ID`.
struct EventStreamReader: Sendable {
    let client: SeatAPIClient
    let showtime: Int
    /// The user whose token opens the stream (any user of a one-token client).
    var user = "viewer"

    func feed() -> AsyncStream<SeatFeedEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SeatFeedEvent.self, bufferingPolicy: .bufferingNewest(256))
        let reader = Task {
            var lastEventID: String?
            var backoff = Duration.milliseconds(500)
            while !Task.isCancelled {
                let reason: String
                do {
                    try await read(lastEventID: &lastEventID, into: continuation) { backoff = .milliseconds(500) }
                    reason = "the server ended the stream"
                } catch {
                    reason = SeatAPIClient.describe(error)
                }
                if Task.isCancelled { break }
                continuation.yield(.disconnected(reason: reason))
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }

    /// One connection: reads frames until the stream ends or fails.
    private func read(
        lastEventID: inout String?, into continuation: AsyncStream<SeatFeedEvent>.Continuation, opened: () -> Void
    ) async throws {
        var request = HTTPClientRequest(url: client.base + "/api/v1/showtimes/\(showtime)/seats/events")
        request.headers.add(name: "Authorization", value: "Bearer \(try await client.bearer(for: user))")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await client.client.execute(request, timeout: .hours(24 * 365))
        guard response.status == .ok else {
            throw StreamRefused(status: Int(response.status.code))
        }
        var parser = ServerSentEvents()
        for try await buffer in response.body {
            for frame in parser.frames(in: buffer) {
                if let id = frame.id { lastEventID = id }
                guard let event = Self.feedEvent(frame) else { continue }
                if case .connected = event { opened() }
                continuation.yield(event)
            }
        }
    }

    private static func feedEvent(_ frame: ServerSentEvents.Frame) -> SeatFeedEvent? {
        feedEvent(named: frame.event, data: Data(frame.data.utf8))
    }

    /// An event of the server, by name and data (the event stream's and the WebSocket's
    /// are the same), as the core's feed has it; nil for one the feed has no place for.
    static func feedEvent(named name: String, data: Data) -> SeatFeedEvent? {
        switch name {
        case "connected", "resync":
            return .connected
        case "disconnected":
            let notice = try? SeatLockingJSON.decode(SeatEventJSON.Notice.self, from: data)
            return .disconnected(reason: notice?.message ?? "the server lost its live feed")
        default:
            return (try? SeatLockingJSON.decode(SeatEventJSON.Change.self, from: data))?.decoded.map { .change($0) }
        }
    }
}

struct StreamRefused: Error, CustomStringConvertible {
    let status: Int
    var description: String { "the server refused the event stream (HTTP \(status))" }
}

/// The text/event-stream format: lines of `field: value`, an event ending at a blank
/// line; comment lines (`: keepalive`) are skipped. Bytes are kept across buffers until
/// their line is whole.
struct ServerSentEvents {
    struct Frame {
        var id: String?
        var event = "message"
        var data = ""
    }

    private var pending: [UInt8] = []
    private var frame = Frame()
    private var hasFields = false
    private var hasData = false

    mutating func frames(in buffer: ByteBuffer) -> [Frame] {
        pending.append(contentsOf: buffer.readableBytesView)
        var finished: [Frame] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[start..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = newline + 1
            if line.isEmpty {
                if hasFields { finished.append(frame) }
                frame = Frame()
                hasFields = false
                hasData = false
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            guard !text.hasPrefix(":") else { continue }
            let (field, value) = text.firstIndex(of: ":").map { colon in
                let rest = text[text.index(after: colon)...]
                return (String(text[..<colon]), String(rest.hasPrefix(" ") ? rest.dropFirst() : rest))
            } ?? (text, "")
            switch field {
            case "id": frame.id = value
            case "event": frame.event = value
            case "data": frame.data += hasData ? "\n" + value : value
            default: continue
            }
            hasFields = true
            hasData = hasData || field == "data"
        }
        pending.removeSubrange(..<start)
        return finished
    }
}
