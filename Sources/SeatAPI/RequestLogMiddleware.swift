import CinebookSupport
import HTTPTypes
import Hummingbird

/// One log line per request, with Hummingbird's request id, the status and the time it
/// took; the id is also returned in `X-Request-Id` so a client can quote it.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response = try await next(request, context)
        let elapsed = clock.now - start
        if let id = context.requestID {
            response.headers[Self.requestIDHeader] = id
        }
        context.logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(response.status.code)",
            metadata: ["duration_ms": "\(Self.milliseconds(elapsed))"])
        return response
    }

    /// A duration in milliseconds, to two decimals.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 100).rounded() / 100
    }

    private static let requestIDHeader = HTTPField.Name("X-Request-Id")!
}
