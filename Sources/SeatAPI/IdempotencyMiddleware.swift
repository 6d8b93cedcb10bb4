import CinebookModel
import HTTPTypes
import Hummingbird
import SeatLocking
import Synchronization

/// `Idempotency-Key` on the seat operations that change something (lock, extend, unlock,
/// book), with Stripe's rules: the same key with the same request answers the first
/// answer again for 24 hours (with `Idempotent-Replayed: true`); the same key with another
/// request is a 422; a key whose first request is still running is a 409. Answers that
/// say nothing final (503: Redis or the database unavailable, an unknown outcome) are not
/// kept, so that sending the request again finds out what happened.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let store: IdempotencyStore
    let maximumBodySize: Int

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, let key = request.headers[Self.header] else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest("An Idempotency-Key is 1 to 255 visible ASCII characters, such as a UUID.")
        }
        let user = try context.authenticatedUser()
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maximumBodySize) } catch {
            throw APIError.bodyTooLarge(limit: maximumBodySize)
        }
        let fingerprint = "\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n\(String(buffer: body))"
        switch try await store.begin(user: user, key: key, fingerprint: fingerprint) {
        case .inProgress:
            throw APIError(
                status: .conflict, code: "idempotency_conflict",
                message: "A request with this Idempotency-Key is still being answered; send it again in a moment.")
        case .otherRequest:
            throw APIError.unprocessable("This Idempotency-Key was used for a different request; use a new key for a new request.")
        case let .answered(status, body):
            var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            headers[Self.replayed] = "true"
            return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        case .new:
            let response = try await JSONErrorMiddleware<Context>().handle(request, context: context, next: next)
            let collector = BodyCollector()
            try await response.body.write(collector)
            let text = collector.text
            if response.status == .serviceUnavailable {
                await store.abandon(user: user, key: key)
            } else {
                await store.finish(user: user, key: key, status: response.status.code, body: text)
            }
            return Response(status: response.status, headers: response.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

/// Keeps what a response body writes, to be stored and sent.
private final class BodyCollector: ResponseBodyWriter, Sendable {
    private let buffer = Mutex(ByteBuffer())

    var text: String { buffer.withLock { String(buffer: $0) } }

    func write(_ part: ByteBuffer) async throws {
        buffer.withLock { $0.writeImmutableBuffer(part) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
