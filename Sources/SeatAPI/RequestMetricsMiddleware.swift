import Hummingbird

/// Counts and times every answered request by its route pattern and status, for
/// `/metrics`. A stream's time is until its head is sent, not its whole life.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.request(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: Int(response.status.code),
            took: ContinuousClock.now - started)
        return response
    }
}
