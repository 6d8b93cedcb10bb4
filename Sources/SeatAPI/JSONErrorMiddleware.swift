import CinebookModel
import Hummingbird
import SeatLocking

/// Turns every error below it into a JSON answer with the right status, so that no
/// request ever gets an empty or HTML error body. A path served with other methods is a
/// 405 with `Allow`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, for 405s; below a route that matched, none are needed.
    let routes: RouteTable

    init(routes: RouteTable = RouteTable()) {
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return try translate(error, request).response(from: request, context: context)
        } catch {
            return try APIError.answering(error, logger: context.logger).response(from: request, context: context)
        }
    }

    /// Errors raised by Hummingbird itself: no such route, a body over the limit.
    private func translate(_ error: HTTPError, _ request: Request) -> APIError {
        switch error.status {
        case .notFound:
            let allowed = routes.methods(for: request.uri.path)
            guard allowed.isEmpty else {
                return APIError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allowed.joined(separator: ", ")).",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return .notFound("There is no \(request.method.rawValue) \(request.uri.path); the API is described in openapi.yaml.")
        case .contentTooLarge:
            return APIError(status: .contentTooLarge, code: "invalid_request", message: "The request body is too large.")
        default:
            let code = error.status.code >= 500 ? "internal_error" : "invalid_request"
            return APIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        }
    }
}
