import Foundation
import JWTKit

/// The claims of an API token: the user (`sub`), when the token stops working (`exp`) and,
/// if it says, when it starts to (`nbf`); `role` `operator` for the cinema's staff, and
/// the user's hold `tier`, if any.
struct UserClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim?
    var nbf: NotBeforeClaim?
    var role: String?
    var tier: String?

    /// Thrown by `verify` for a token past its `exp`.
    struct Expired: Error {}
    /// Thrown by `verify` for a token before its `nbf`.
    struct NotYetValid: Error {
        let from: Date
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard exp.value > Date() else { throw Expired() }
        if let nbf, nbf.value > Date() { throw NotYetValid(from: nbf.value) }
    }
}
