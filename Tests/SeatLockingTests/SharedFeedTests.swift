import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Synchronization
import Testing
import TestSupport

/// What the listeners have heard, counted across their tasks.
private final class Tally: Sendable {
    let connected = Atomic<Int>(0)
    let heard = Atomic<Int>(0)
}

/// Every listener of a showtime in one process shares one Redis subscription.
@Suite struct SharedFeedTests {
    static let listeners = 1_000

    @Test(arguments: RedisKind.allCases) func aThousandListenersShareOneSubscriptionAndAllHearAChange(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 3, seats: 5)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let channel = RedisKeyNames(showtime: showtime.id).events
        let tally = Tally()
        let listening = (0..<Self.listeners).map { _ in
            let feed = try! service.events(showtime: showtime.id)
            return Task {
                for await event in feed {
                    switch event {
                    case .connected: tally.connected.add(1, ordering: .relaxed)
                    case let .change(change) where change.seats == ["B3"]: tally.heard.add(1, ordering: .relaxed)
                    default: break
                    }
                }
            }
        }
        #expect(await eventually(timeout: .seconds(20)) { tally.connected.load(ordering: .relaxed) == Self.listeners }, "every listener is told connected")
        let subscribers = try await redis.send("PUBSUB", "SHARDNUMSUB", channel, routingKey: channel).array?.last?.int
        #expect(subscribers == 1, "one subscription for all of them")

        _ = try await service.lock(["B3"], showtime: showtime.id, user: TestUsers.unique())
        #expect(await eventually(timeout: .seconds(20)) { tally.heard.load(ordering: .relaxed) == Self.listeners }, "every listener hears the lock")

        for task in listening { task.cancel() }
        #expect(try await eventually(timeout: .seconds(20)) {
            try await redis.send("PUBSUB", "SHARDNUMSUB", channel, routingKey: channel).array?.last?.int == 0
        }, "the subscription ends with the last listener")
    }
}
