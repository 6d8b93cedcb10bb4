import Foundation
import Hummingbird
import HummingbirdWebSocket

/// The request context of the API: Hummingbird's core context plus the user that the
/// bearer token names, once `BearerAuthMiddleware` has checked it.
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who the caller is: set only from a valid, unexpired token, never from the request body.
    public var bearer: Bearer?
    public var user: String? { bearer?.user }
    /// When that token expires.
    public var tokenExpires: Date? { bearer?.expires }
    /// Whether the caller connected from this machine (loopback, or a Unix socket).
    public let isLocalCaller: Bool
    /// The handler of a WebSocket upgrade, once a socket route accepted it.
    public let webSocket = WebSocketHandlerReference<APIRequestContext>()

    public init(source: Source) {
        coreContext = .init(source: source)
        bearer = nil
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

    /// An operator's token, or 403.
    func requireOperator() throws(APIError) -> String {
        let user = try authenticatedUser()
        guard bearer?.isOperator == true else {
            throw .forbidden("This needs an operator's token (`cinebook token NAME --role operator`).")
        }
        return user
    }

    /// Hummingbird's id of this request, as it appears in the logs.
    var requestID: String? { logger[metadataKey: "hb.request.id"]?.description }
}
