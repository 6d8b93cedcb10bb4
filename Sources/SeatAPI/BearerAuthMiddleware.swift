import Hummingbird
import SeatLocking

/// Lets a request through only with `Authorization: Bearer <token>` naming a user; the
/// user goes into the context. Everything else gets 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let tokens: AccessTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let user = try await Self.user(of: request, tokens: tokens)
        context.user = user
        context.logger[metadataKey: "user"] = .string(user)
        return try await next(request, context)
    }

    /// The user the request's bearer token names; 401 without a valid one.
    static func user(of request: Request, tokens: AccessTokens) async throws(APIError) -> String {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("This endpoint needs an Authorization: Bearer token; `cinebook token NAME` mints one.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.")
        }
        return try await tokens.user(fromToken: String(parts[1]).trimmingSpaces)
    }
}
