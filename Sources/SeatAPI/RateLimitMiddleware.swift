import CoreMetrics
import Hummingbird
import Logging
import SeatLocking

/// Counts each request of the authenticated user against the rate limit; the excess
/// gets 429 with `Retry-After` in whole seconds.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let limiter: RateLimiter
    /// Counts the requests refused.
    let refusals: CoreMetrics.Counter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await Self.admit(try context.authenticatedUser(), limiter: limiter, refusals: refusals, logger: context.logger)
        return try await next(request, context)
    }

    /// Counts one operation of `user`; over the limit, 429 with the wait (the WebSocket's
    /// requests count here too).
    static func admit(_ user: String, limiter: RateLimiter, refusals: CoreMetrics.Counter, logger: Logger) async throws {
        guard case let .limited(retryAfter) = try await limiter.acquire(user: user) else { return }
        let (seconds, attoseconds) = retryAfter.components
        let wait = max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
        logger.notice("rate limited", metadata: ["retry_after_s": "\(wait)"])
        refusals.increment()
        throw APIError.rateLimited(
            retryAfter: wait,
            message: "Too many seat operations: at most \(Self.rate(limiter.limit.perSecond)) a second, "
                + "in bursts of \(limiter.limit.burst). Try again in \(wait) s.")
    }

    private static func rate(_ perSecond: Double) -> String {
        perSecond == perSecond.rounded() ? String(Int(perSecond)) : String(perSecond)
    }
}
