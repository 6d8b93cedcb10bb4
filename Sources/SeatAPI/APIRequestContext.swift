import Hummingbird

/// The request context of the API: Hummingbird's core context plus the user that the
/// bearer token names, once `BearerAuthMiddleware` has checked it.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set only from a valid, unexpired token; never from the request body.
    public var user: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        user = nil
    }

    /// The authenticated user; routes behind `BearerAuthMiddleware` always have one.
    func authenticatedUser() throws(APIError) -> String {
        guard let user else { throw .unauthorized("This endpoint needs an Authorization: Bearer token.") }
        return user
    }

    /// Hummingbird's id of this request, as it appears in the logs.
    var requestID: String? { logger[metadataKey: "hb.request.id"]?.description }
}
