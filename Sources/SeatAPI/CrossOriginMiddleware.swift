import HTTPTypes
import Hummingbird

/// Lets web pages of the configured origins use the API (CORS): their requests get
/// `Access-Control-Allow-Origin` with their own origin, and their preflight `OPTIONS`
/// requests an answer naming the methods and headers the API takes. Other origins get no
/// such header, so a browser keeps their pages out.
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    static var allowedMethods: String { "GET, POST, PUT, DELETE" }
    static var allowedHeaders: String { "Authorization, Cinebook-Party, Cinebook-Pass, Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID" }
    static var exposedHeaders: String { "ETag, Retry-After, X-Request-Id, Idempotent-Replayed" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .vary: "Origin",
                .accessControlAllowMethods: Self.allowedMethods, .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: "600",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
