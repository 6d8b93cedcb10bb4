import CinebookSupport
import Foundation
import RedisClient

/// The cleanup lock: of the processes that run cleanup passes (every server, and
/// `cinebook sweep --every`), one at a time runs a pass. A holder that dies loses the
/// lock when its TTL runs out.
package struct SweepLock: Sendable {
    package let key: String
    /// How long a holder keeps the lock at most, should it die during its pass.
    package let ttl = Duration.seconds(30)

    package init(key: String = ServerKeys.sweepLock) {
        self.key = key
    }

    /// Why a pass did not run under the lock.
    package enum Refusal: Error, Sendable {
        /// Another process holds it, and runs the pass.
        case heldElsewhere
        /// Redis could not be asked.
        case unavailable(String)
    }

    /// Runs `pass` while holding the lock, then releases it if it is still ours (it may
    /// have expired and been taken meanwhile).
    package func run<T: Sendable>(on redis: RedisClient, _ pass: () async -> T) async throws(Refusal) -> T {
        let token = UUID().uuidString
        do {
            let taken = try await redis.send("SET", key, token, "NX", "PX", String(ttl.milliseconds), routingKey: key)
            guard !taken.isNull else { throw Refusal.heldElsewhere }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw .unavailable("\(error)")
        }
        let result = await pass()
        _ = try? await redis.evaluate(Self.release, keys: [key], arguments: [token])
        return result
    }

    /// Deletes the lock only if it is still ours.
    /// KEYS: the lock. ARGV: our token. Reply: 1 deleted, 0 not ours.
    static let release = RedisScript(name: "sweep_unlock", source: """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)
}

extension SeatLockingService {
    /// Runs `pass` under the cleanup lock, on this service's Redis.
    package func underSweepLock<T: Sendable>(_ lock: SweepLock = SweepLock(), _ pass: () async -> T) async throws(SweepLock.Refusal) -> T {
        try await lock.run(on: redis, pass)
    }
}
