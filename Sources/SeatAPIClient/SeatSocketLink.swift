import CinebookModel
import CinebookWire
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// One WebSocket to a showtime of the server (`/api/v1/showtimes/{id}/ws`), opened with a
/// token in `Authorization`: the showtime's events as the core's feed, and seat operations
/// answered by their request ids. A dropped socket is opened again by itself, with backoff
/// (0.5 s to 5 s), and the feed says `disconnected` meanwhile; a request while it is down
/// fails at once, so the caller can use HTTP instead. A server that does not offer the
/// socket (the upgrade refused) is read through its event stream instead.
final class SeatSocketLink: Sendable {
    let events: AsyncStream<SeatFeedEvent>
    private let feed: AsyncStream<SeatFeedEvent>.Continuation
    private let state = Mutex<State>(State())
    private let requestTimeout: Duration

    private struct State {
        var outbox: AsyncStream<String>.Continuation?
        var pending: [String: CheckedContinuation<(status: Int, body: String), any Error>] = [:]
        var nextID = 1
        var runner: Task<Void, Never>?
        /// The token the socket was opened with, once known.
        var token: String?
        var wasOpen = false
    }

    /// `fallback` is the event stream to read when the server offers no socket.
    init(
        url: String, token: @escaping @Sendable () async throws -> String, requestTimeout: Duration,
        fallback: @escaping @Sendable () -> AsyncStream<SeatFeedEvent>
    ) {
        (events, feed) = AsyncStream.makeStream(of: SeatFeedEvent.self, bufferingPolicy: .bufferingNewest(256))
        self.requestTimeout = requestTimeout
        let runner = Task { [weak self, feed] in
            var backoff = Duration.milliseconds(500)
            while !Task.isCancelled, let link = self {
                let reason: String
                do {
                    let token = try await token()
                    link.state.withLock { $0.token = token }
                    try await link.connect(url: url, token: token)
                    reason = "the server closed the socket"
                } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                    // No socket here: the event stream carries the feed instead.
                    for await event in fallback() { feed.yield(event) }
                    break
                } catch {
                    reason = SeatAPIClient.describe(error)
                }
                if Task.isCancelled { break }
                // A socket that was open starts the waits afresh.
                if link.state.withLock({ state in defer { state.wasOpen = false }; return state.wasOpen }) { backoff = .milliseconds(500) }
                feed.yield(.disconnected(reason: reason))
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
            feed.finish()
        }
        state.withLock { $0.runner = runner }
        feed.onTermination = { _ in runner.cancel() }
    }

    deinit { close() }

    func close() {
        let (runner, outbox) = state.withLock { state in
            defer { state.outbox = nil }
            return (state.runner, state.outbox)
        }
        outbox?.finish()
        runner?.cancel()
        feed.finish()
    }

    /// Open, with this token: a request of another user's goes over HTTP.
    func isOpen(for token: String) -> Bool { state.withLock { $0.outbox != nil && $0.token == token } }

    /// Sends a request and waits for its answer: the HTTP status and body the same request
    /// gets over HTTP. Throws `serverUnreachable` when the socket is down or no answer comes in time.
    func send(_ request: SeatSocketJSON.Request) async throws(SeatLockingError) -> (status: Int, body: String) {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return String(state.nextID)
        }
        var request = request
        request.id = id
        let text = SeatLockingJSON.encode(request)
        do {
            return try await withThrowingTaskGroup(of: (status: Int, body: String).self) { group in
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        let sent = self.state.withLock { state -> Bool in
                            guard let outbox = state.outbox else { return false }
                            state.pending[id] = continuation
                            outbox.yield(text)
                            return true
                        }
                        if !sent { continuation.resume(throwing: SeatLockingError.serverUnreachable("the WebSocket is not open")) }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: self.requestTimeout)
                    throw SeatLockingError.serverUnreachable("no answer over the WebSocket in time")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as SeatLockingError {
            abandon(id)
            throw error
        } catch {
            abandon(id)
            throw .serverUnreachable(SeatAPIClient.describe(error))
        }
    }

    private func abandon(_ id: String) {
        state.withLock { $0.pending.removeValue(forKey: id) }?
            .resume(throwing: SeatLockingError.serverUnreachable("no answer over the WebSocket in time"))
    }

    /// One connection, until it ends: the writer sends the outbox, the reader hands answers
    /// to their requests and events to the feed.
    private func connect(url: String, token: String) async throws {
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)
        configuration.additionalHeaders[.authorization] = "Bearer \(token)"
        let logger = Logger(label: "cinebook.socket", factory: { _ in SwiftLogNoOpLogHandler() })
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
            let (outbox, sender) = AsyncStream.makeStream(of: String.self)
            self.state.withLock {
                $0.outbox = sender
                $0.wasOpen = true
            }
            let writer = Task {
                for await text in outbox { try await outbound.write(.text(text)) }
            }
            defer {
                writer.cancel()
                self.closed()
            }
            for try await message in inbound.messages(maxSize: 1 << 22) {
                guard case let .text(text) = message else { continue }
                self.received(text)
            }
        }
    }

    private func closed() {
        let pending = state.withLock { state in
            defer {
                state.pending = [:]
                state.outbox?.finish()
                state.outbox = nil
            }
            return state.pending
        }
        for continuation in pending.values {
            continuation.resume(throwing: SeatLockingError.serverUnreachable("the WebSocket closed before the answer"))
        }
    }

    private func received(_ text: String) {
        guard let message = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
        if let name = message["event"] as? String {
            let data = (message["data"]).flatMap { try? JSONSerialization.data(withJSONObject: $0) } ?? Data()
            if let event = EventStreamReader.feedEvent(named: name, data: data) { feed.yield(event) }
            return
        }
        guard let id = message["id"] as? String, let status = message["status"] as? Int else { return }
        let body = (message["body"]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        state.withLock { $0.pending.removeValue(forKey: id) }?.resume(returning: (status, body))
    }
}
