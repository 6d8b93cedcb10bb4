import CinebookModel
import Foundation
import Hummingbird
import SeatLocking

/// Lets a request through only with `Authorization: Bearer <token>` naming a user; the
/// user goes into the context. Everything else gets 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let tokens: AccessTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let bearer = try await Self.verify(request, tokens: tokens)
        context.bearer = bearer
        context.logger[metadataKey: "user"] = .string(bearer.user)
        return try await next(request, context)
    }

    /// The user the request's bearer token names and when it expires; 401 without a valid one.
    static func verify(_ request: Request, tokens: AccessTokens) async throws(APIError) -> Bearer {
        if request.headers[.authorization] == nil, let token = eventStreamToken(request) {
            return try await tokens.verify(token)
        }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("This endpoint needs an Authorization: Bearer token; `cinebook token NAME` mints one.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.")
        }
        return try await tokens.verify(String(parts[1]).trimmingSpaces)
    }

    /// A browser's `EventSource` cannot send headers, so the event stream alone also takes
    /// the token as `?access_token=`. The trade-off: a URL may be kept in a proxy's or a
    /// browser's history, so such a token should be short-lived; the request log never
    /// prints queries.
    private static func eventStreamToken(_ request: Request) -> String? {
        guard request.method == .get, request.uri.path.hasSuffix("/seats/events") else { return nil }
        guard let token = request.uri.queryParameters.get("access_token"), !token.isEmpty else { return nil }
        return String(token)
    }
}
