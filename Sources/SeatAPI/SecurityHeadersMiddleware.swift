import HTTPTypes
import Hummingbird

/// The headers every answer carries so that a browser runs the page's own scripts only:
/// a Content-Security-Policy with no inline script, no framing, no sniffing, no referrer.
/// The JSON answers carry them too; they cost nothing there and a page cannot be made of them.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for field in SecurityHeaders.fields where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }
}

/// The headers themselves, made once (a generic middleware cannot hold a stored static).
enum SecurityHeaders {
    /// Scripts, styles, images and connections (fetch, the WebSocket) of the server's own
    /// origin only; no plugins, no `<base>`, no forms sent elsewhere, never in a frame.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let fields: HTTPFields = [
        .contentSecurityPolicy: contentSecurityPolicy,
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("Cross-Origin-Opener-Policy")!: "same-origin",
        HTTPField.Name("Permissions-Policy")!: "camera=(), microphone=(), geolocation=(), payment=()",
    ]
}
