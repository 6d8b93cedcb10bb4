import Hummingbird
import RedisClient

/// `GET /health`: 200 while Redis answers a PING (with its round-trip time), 503 when
/// it does not.
struct HealthController: Sendable {
    let redis: RedisClient

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("health", use: check)
    }

    @Sendable func check(_ request: Request, context: APIRequestContext) async -> Response {
        do {
            let roundTrip = try await redis.ping()
            return JSONResponse.make(HealthReport(roundTrip: roundTrip))
        } catch {
            context.logger.warning("health check: Redis unavailable", metadata: ["error": "\(error)"])
            return JSONResponse.make(HealthReport(failure: error), status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
    }
}
