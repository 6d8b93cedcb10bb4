import Hummingbird
import SeatLocking

/// Lets a request through only with `Authorization: Bearer <token>` naming a user; the
/// user goes into the context. Everything else gets 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let tokens: AccessTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("This endpoint needs an Authorization: Bearer token; `cinebook token NAME` mints one.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.")
        }
        var context = context
        let user = try await tokens.user(fromToken: String(parts[1]).trimmingSpaces)
        context.user = user
        context.logger[metadataKey: "user"] = .string(user)
        return try await next(request, context)
    }
}
