import CoreMetrics
import Hummingbird
import SeatLocking

/// Counts each request of the authenticated user against the rate limit; the excess
/// gets 429 with `Retry-After` in whole seconds.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let limiter: RateLimiter
    /// Counts the requests refused.
    let refusals: CoreMetrics.Counter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let user = try context.authenticatedUser()
        switch try await limiter.acquire(user: user) {
        case .allowed:
            return try await next(request, context)
        case let .limited(retryAfter):
            let (seconds, attoseconds) = retryAfter.components
            let wait = max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
            context.logger.notice("rate limited", metadata: ["retry_after_s": "\(wait)"])
            refusals.increment()
            throw APIError.rateLimited(
                retryAfter: wait,
                message: "Too many seat operations: at most \(Self.rate(limiter.limit.perSecond)) a second, "
                    + "in bursts of \(limiter.limit.burst). Try again in \(wait) s.")
        }
    }

    private static func rate(_ perSecond: Double) -> String {
        perSecond == perSecond.rounded() ? String(Int(perSecond)) : String(perSecond)
    }
}
