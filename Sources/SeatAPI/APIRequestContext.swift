import Foundation
import Hummingbird

/// The request context of the API: Hummingbird's core context plus the user that the
/// bearer token names, once `BearerAuthMiddleware` has checked it.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set only from a valid, unexpired token; never from the request body.
    public var user: String?
    /// When that token expires.
    public var tokenExpires: Date?
    /// Whether the caller connected from this machine (loopback, or a Unix socket).
    public let isLocalCaller: Bool

    public init(source: Source) {
        coreContext = .init(source: source)
        user = nil
        tokenExpires = nil
        isLocalCaller = switch source.channel.remoteAddress {
        case let .v4(address)?: address.host.hasPrefix("127.")
        case let .v6(address)?: address.host == "::1" || address.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket?: true
        case nil: false
        }
    }

    /// The authenticated user; routes behind `BearerAuthMiddleware` always have one.
    func authenticatedUser() throws(APIError) -> String {
        guard let user else { throw .unauthorized("This endpoint needs an Authorization: Bearer token.") }
        return user
    }

    /// Hummingbird's id of this request, as it appears in the logs.
    var requestID: String? { logger[metadataKey: "hb.request.id"]?.description }
}
