import CinebookModel
import Hummingbird
import SeatLocking

/// `GET /health`: 200 while Redis answers a PING, 503 when it does not. A caller on this
/// machine, or one with a valid bearer token, also gets the details (Redis's round trip,
/// memory and address in errors, a cluster's state, the periodic jobs); anyone else
/// learns only whether the service is ok, degraded or unavailable.
struct HealthController: Sendable {
    let service: SeatLockingService
    let maintenance: MaintenanceLog
    let tokens: AccessTokens

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("health", use: check)
    }

    @Sendable func check(_ request: Request, context: APIRequestContext) async -> Response {
        var detailed = context.isLocalCaller
        if !detailed { detailed = (try? await BearerAuthMiddleware.verify(request, tokens: tokens)) != nil }
        do throws(SeatLockingError) {
            let health = try await service.redisHealth()
            let report = HealthReport(
                roundTrip: health.roundTrip, memory: health.memory, clusterState: health.clusterState, jobs: maintenance.jobs())
            return detailed ? JSONResponse.make(report) : JSONResponse.make(report.summary)
        } catch {
            context.logger.warning("health check: Redis unavailable", metadata: ["error": "\(error)"])
            let reason = if case let .redisUnavailable(reason) = error { reason } else { error.message }
            let report = HealthReport(failure: reason)
            return detailed
                ? JSONResponse.make(report, status: .serviceUnavailable, headers: [.retryAfter: "1"])
                : JSONResponse.make(report.summary, status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
    }
}
