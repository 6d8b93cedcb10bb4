import CinebookModel
import Crypto
import Foundation
import RedisClient
import Synchronization

/// Signs and checks the passes a waiting room gives: `<showtime>.<ticket>.<expiry ms>.<signature>`,
/// the signature an HMAC-SHA256 of those and the user's id, so that a pass names its
/// showtime and ticket in the open yet works for nobody else and cannot be altered. The key
/// lives in Redis (`ServerKeys.passKey`), made by the first server that needs it, so every
/// server and command on that Redis checks every pass; each process reads it once.
/// A signature proves where a pass came from; that it is unused is the room's to say.
final class RoomPasses: Sendable {
    private let key = Mutex<SymmetricKey?>(nil)

    /// What a well-signed pass says.
    struct Claims: Sendable, Hashable {
        let showtime: Int
        let ticket: Int
        let expiresAt: Date
    }

    func pass(for claims: Claims, user: String, redis: RedisClient) async throws -> RoomPass {
        let body = "\(claims.showtime).\(claims.ticket).\(claims.expiresAt.milliseconds)"
        let signature = Self.signature(of: body, user: user, key: try await signingKey(redis))
        return RoomPass(text: body + "." + signature, expiresAt: claims.expiresAt)
    }

    /// The pass's claims if this system signed it for this user and showtime and it has not
    /// expired; otherwise the refusal that says which.
    func check(_ text: String, showtime: Int, user: String, at now: Date, redis: RedisClient) async throws -> Claims {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let id = Int(parts[0]), let ticket = Int(parts[1]), ticket > 0, let expiry = Int64(parts[2]) else {
            throw SeatLockingError.waitingRoom(.passInvalid("it is not a pass of this system"))
        }
        guard id == showtime else { throw SeatLockingError.waitingRoom(.passInvalid("it is for showtime \(id), not \(showtime)")) }
        let body = parts[0...2].joined(separator: ".")
        let expected = Self.signature(of: body, user: user, key: try await signingKey(redis))
        guard Self.sameBytes(expected, String(parts[3])) else {
            throw SeatLockingError.waitingRoom(.passInvalid("it was not given to \(user) for this showtime"))
        }
        let claims = Claims(showtime: id, ticket: ticket, expiresAt: Date(milliseconds: expiry))
        guard claims.expiresAt > now else { throw SeatLockingError.waitingRoom(.passExpired) }
        return claims
    }

    private static func signature(of body: String, user: String, key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((body + "|" + user).utf8), using: key)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares without stopping at the first difference, so that timing tells nothing.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The shared key: read once, made once (SET NX) if no server has made it yet.
    private func signingKey(_ redis: RedisClient) async throws -> SymmetricKey {
        if let known = key.withLock({ $0 }) { return known }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let name = ServerKeys.passKey
        try await redis.send("SET", name, fresh, "NX", routingKey: name)
        guard let stored = try await redis.send("GET", name, routingKey: name).string, let bytes = Data(base64Encoded: stored) else {
            throw SeatLockingError.internalError("the pass key in Redis is unreadable")
        }
        let shared = SymmetricKey(data: bytes)
        key.withLock { $0 = shared }
        return shared
    }
}
