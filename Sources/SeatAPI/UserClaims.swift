import Foundation
import JWTKit

/// The claims of an API token: the user (`sub`) and when the token stops working (`exp`).
struct UserClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim?

    /// Thrown by `verify` for a token past its `exp`.
    struct Expired: Error {}

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard exp.value > Date() else { throw Expired() }
    }
}
