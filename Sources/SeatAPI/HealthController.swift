import Hummingbird
import RedisClient
import SeatLocking

/// `GET /health`: 200 while Redis answers a PING (with its round-trip time, its memory
/// against its limit, a cluster's state, and the periodic jobs), 503 when it does not.
struct HealthController: Sendable {
    let redis: RedisClient
    let maintenance: MaintenanceLog

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("health", use: check)
    }

    @Sendable func check(_ request: Request, context: APIRequestContext) async -> Response {
        do {
            let roundTrip = try await redis.ping()
            return JSONResponse.make(HealthReport(
                roundTrip: roundTrip, memory: await RedisMemory.read(from: redis), clusterState: try? await redis.clusterState(),
                jobs: maintenance.jobs()))
        } catch {
            context.logger.warning("health check: Redis unavailable", metadata: ["error": "\(error)"])
            return JSONResponse.make(HealthReport(failure: error), status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
    }
}
