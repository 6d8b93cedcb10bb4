import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import JWTKit
import SeatLocking

/// Mints and checks the API's bearer tokens: JWTs signed with HMAC-SHA256 (HS256) under
/// the server's secret, naming the user in `sub` and always carrying an `exp`.
public struct AccessTokens: Sendable {
    /// Shorter secrets are refused: an HS256 key should have at least 256 bits.
    public static let minimumSecretLength = 32

    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()

    public init(secret: String) async throws(AccessTokenError) {
        guard secret.utf8.count >= Self.minimumSecretLength else {
            throw AccessTokenError(
                message: "The secret is \(secret.utf8.count) bytes long; use at least \(Self.minimumSecretLength), "
                    + "for example the output of `openssl rand -hex 32`.")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// 32 random bytes as 64 hex digits: a secret for a development server.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// A token for `user` that works for `ttl` from now; an operator's with `role`, and
    /// with the user's hold `tier`, if any.
    public func mint(
        user: String, ttl: Duration, notBefore: Date? = nil, role: Bearer.Role? = nil, tier: String? = nil
    ) async throws(AccessTokenError) -> String {
        let user = try Self.validated(user)
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let claims = UserClaims(
            sub: SubjectClaim(value: user),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))),
            iat: IssuedAtClaim(value: now),
            nbf: notBefore.map { NotBeforeClaim(value: $0) }, role: role?.rawValue, tier: tier)
        do {
            return try await keys.sign(claims)
        } catch {
            throw AccessTokenError(message: "Cannot sign the token: \(error)")
        }
    }

    /// The user a valid, unexpired HS256 token names; any other token is refused.
    public func user(fromToken token: String) async throws(APIError) -> String {
        try await verify(token).user
    }

    /// Who a valid token says the caller is, and until when.
    public func verify(_ token: String) async throws(APIError) -> Bearer {
        if let known = verified.entry(for: token) {
            guard known.expires > Date() else { throw Self.expired }
            return known
        }
        guard Self.algorithm(of: token) == "HS256" else {
            throw .unauthorized("The bearer token is not an HS256 token from this server.")
        }
        let claims: UserClaims
        do {
            claims = try await keys.verify(token, as: UserClaims.self)
        } catch is UserClaims.Expired {
            throw Self.expired
        } catch let early as UserClaims.NotYetValid {
            throw .unauthorized("The bearer token is not valid before \(SeatLockingJSON.timestamp(early.from)) (its nbf).")
        } catch {
            throw .unauthorized("The bearer token is not valid: it is malformed or was not signed with this server's secret.")
        }
        let user: String
        do {
            user = try SeatLockingService.validatedUser(claims.sub.value)
        } catch {
            throw .unauthorized("The bearer token names no valid user: \(error.message)")
        }
        let bearer = Bearer(user: user, expires: claims.exp.value, role: claims.role.flatMap(Bearer.Role.init), tier: claims.tier)
        verified.remember(token, bearer)
        return bearer
    }

    private static let expired = APIError.unauthorized("The bearer token has expired; mint a new one with `cinebook token NAME`.")

    private static func validated(_ user: String) throws(AccessTokenError) -> String {
        do {
            return try SeatLockingService.validatedUser(user)
        } catch {
            throw AccessTokenError(message: error.message)
        }
    }

    /// The `alg` of a token's header, read before any signature check so that tokens with
    /// `alg: none` or another algorithm are refused outright.
    static func algorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first, header.count <= 1024 else {
            return nil
        }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONDecoder().decode(Header.self, from: data))?.alg
    }

    /// The part of a token's header read before its signature is checked.
    private struct Header: Decodable {
        let alg: String?
    }
}

/// Who a valid token says the caller is: the user, until when, their role and hold tier.
public struct Bearer: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// The cinema's staff: may keep seats back for the house.
        case `operator`
    }

    public let user: String
    public let expires: Date
    public let role: Role?
    /// The hold rules' tier (`HoldTiers`), if the token names one.
    public let tier: String?

    public var isOperator: Bool { role == .operator }
}

/// A token could not be minted, or the secret is unfit.
public struct AccessTokenError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
