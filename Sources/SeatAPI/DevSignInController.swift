import CinebookWire
import Foundation
import Hummingbird

/// `cinebook serve --dev` only: the page's sign-in form trades a name for a short-lived
/// token (`POST /api/v1/dev/tokens`, `{"name": "alice"}`). `GET` on the same path answers
/// 204, so the page knows to offer the form. A real cinema's own login hands the page its
/// token instead (the README says how); this route does not exist then.
struct DevSignInController: Sendable {
    let tokens: AccessTokens
    let maximumBodySize: Int
    /// How long a token of the form works: an evening's booking, no more.
    static let lifetime: Duration = .seconds(3600)

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("api/v1/dev/tokens") { _, _ in Response(status: .noContent) }
        router.post("api/v1/dev/tokens") { request, _ in
            guard let signIn = try await SeatSelection.body(
                SeatLockingJSON.SignIn.self, in: request, limit: maximumBodySize, example: #"{"name": "alice"}"#,
                shape: "\"name\" the name to book under")
            else { throw APIError.badRequest(#"The request needs a JSON body like {"name": "alice"}."#) }
            let token: String
            do {
                token = try await tokens.mint(user: signIn.name, ttl: Self.lifetime)
            } catch let error as AccessTokenError {
                throw APIError.unprocessable(error.message)
            }
            let bearer = try await tokens.verify(token)
            return JSONResponse.make(SeatLockingJSON.SignedIn(user: bearer.user, token: token, expiresAt: bearer.expires), status: .created)
        }
    }
}
