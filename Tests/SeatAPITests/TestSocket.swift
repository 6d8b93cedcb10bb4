import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import TestSupport

/// A WebSocket to the live server, as a test drives it: frames out, every message in kept
/// (each read as JSON once, as it arrives: the tests poll, and reading every message again
/// at each look would keep two cores busy), the answers by request id, and how it ended.
final class TestSocket: Sendable {
    /// A message and its JSON object.
    struct Message: @unchecked Sendable {
        let text: String
        let object: [String: Any]
    }

    private struct State {
        var outbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation?
        var received: [Message] = []
        /// The answers (messages with a `status`), in order, and by their request id.
        var answers: [Message] = []
        var answersByID: [String: Message] = [:]
        var ended = false
        var closeCode: String?
        var failure: String?
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Opens the socket and waits until the upgrade is done; throws when it is refused.
    static func open(port: Int, path: String, headers: HTTPFields = [:]) async throws -> TestSocket {
        let socket = TestSocket()
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)
        configuration.additionalHeaders = headers
        let logger = Logger(label: "test.socket", factory: { _ in SwiftLogNoOpLogHandler() })
        let task = Task {
            do {
                let close = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", configuration: configuration, logger: logger) {
                    inbound, outbound, _ in
                    let (frames, sender) = AsyncStream.makeStream(of: WebSocketOutboundWriter.OutboundFrame.self)
                    socket.state.withLock { $0.outbox = sender }
                    let writer = Task {
                        for await frame in frames { try await outbound.write(frame) }
                    }
                    defer { writer.cancel() }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        if case let .text(text) = message { socket.keep(text) }
                    }
                }
                socket.state.withLock { $0.closeCode = close.map { "\($0.closeCode)" } }
            } catch {
                socket.state.withLock { $0.failure = "\(error)" }
            }
            socket.state.withLock {
                $0.ended = true
                $0.outbox = nil
            }
        }
        socket.task.withLock { $0 = task }
        guard await eventually(timeout: .seconds(10), { socket.state.withLock { $0.outbox != nil || $0.ended } }),
              socket.state.withLock({ $0.outbox != nil })
        else {
            throw HarnessError("the socket did not open: \(socket.state.withLock { $0.failure ?? "it ended" })")
        }
        return socket
    }

    func send(_ text: String) { state.withLock { _ = $0.outbox?.yield(.text(text)) } }
    func send(binary bytes: [UInt8]) { state.withLock { _ = $0.outbox?.yield(.binary(ByteBuffer(bytes: bytes))) } }

    /// Sends a request object, with its id.
    func send(_ request: [String: Any]) {
        send(String(decoding: try! JSONSerialization.data(withJSONObject: request), as: UTF8.self))
    }

    private func keep(_ text: String) {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        let message = Message(text: text, object: object)
        state.withLock { state in
            state.received.append(message)
            guard object["status"] != nil else { return }
            state.answers.append(message)
            if let id = object["id"] as? String { state.answersByID[id] = message }
        }
    }

    var ended: Bool { state.withLock { $0.ended } }
    /// How the server closed the socket, in words (`messageTooLarge`), if it said.
    var closeCode: String? { state.withLock { $0.closeCode } }
    var texts: [String] { state.withLock { $0.received.map(\.text) } }

    /// Every message so far, read as JSON objects.
    var messages: [[String: Any]] { state.withLock { $0.received }.map(\.object) }

    /// How many answers have come.
    var answerCount: Int { state.withLock { $0.answers.count } }

    /// Answer number `index` (from 0), in the order they came.
    func answer(at index: Int) -> [String: Any]? {
        state.withLock { $0.answers.indices.contains(index) ? $0.answers[index] : nil }?.object
    }

    /// The first message for which `matches` holds, waiting up to `timeout` for it.
    func first(timeout: Duration = .seconds(5), where matches: ([String: Any]) -> Bool) async -> [String: Any]? {
        var found: [String: Any]?
        var looked = 0
        _ = await eventually(timeout: timeout) {
            let fresh = state.withLock { Array($0.received.dropFirst(looked)) }
            looked += fresh.count
            found = fresh.lazy.map(\.object).first(where: matches)
            return found != nil
        }
        return found
    }

    /// The answer to request `id`. Patient: a loaded machine running every test at once
    /// answers slowly at times, and the wait ends as soon as the answer is there.
    func answer(_ id: String, timeout: Duration = .seconds(30)) async -> [String: Any]? {
        var found: Message?
        _ = await eventually(timeout: timeout) {
            found = state.withLock { $0.answersByID[id] }
            return found != nil
        }
        return found?.object
    }

    func close() {
        state.withLock { $0.outbox?.finish() }
        task.withLock { $0 }?.cancel()
    }

    deinit { close() }
}
