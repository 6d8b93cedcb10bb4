import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// One deadline per operation: with Redis hung, each operation answers within the Redis
/// timeout plus a small margin, however many round trips it would have made (a lock
/// that records its failure, a booking that looks for an earlier booking), and says how
/// long it really waited. Each test hangs a server or a cluster node of its own.
@Suite("One deadline per operation")
struct OperationDeadlineTests {
    static let timeout = Duration.seconds(1)
    /// What the answer may take beyond the timeout.
    static let margin = Duration.milliseconds(300)
    static let executor = ThreadExecutor(name: "deadline-tests")

    @Test func everyOperationOnAHungRedisAnswersWithinItsTimeout() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        try await expectAnswersWithinTheTimeout(url: server.url, hang: server.suspend, wake: server.resume)
    }

    @Test func everyOperationOnAHungClusterPrimaryAnswersWithinItsTimeout() async throws {
        let cluster = try await RedisTestCluster.make()
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let primary = try await cluster.primary(serving: HashSlot(key: String(showtime.id)))
        try await expectAnswersWithinTheTimeout(
            url: cluster.url, showtime: showtime,
            hang: { cluster.suspend(primary) },
            // Resumed well within the node timeout, so that no failover takes place.
            wake: { cluster.resume(primary) })
    }

    private func expectAnswersWithinTheTimeout(
        url: RedisURL, showtime: Showtime? = nil, hang: () -> Void, wake: () -> Void
    ) async throws {
        let showtime = try showtime ?? TestShowtimes.grid(rows: 1, seats: 6)
        let redis = RedisClient(url: url, timeouts: RedisTimeouts(connect: Self.timeout, command: Self.timeout))
        defer { redis.close() }
        let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let alice = TestUsers.unique("alice")
        let id = showtime.id
        _ = try await service.lock(["A1", "A2"], showtime: id, user: alice)

        let operations: [(name: String, run: @Sendable () async throws(SeatLockingError) -> Void)] = [
            ("lock", { () async throws(SeatLockingError) in _ = try await service.lock(["A3"], showtime: id, user: alice) }),
            ("status", { () async throws(SeatLockingError) in _ = try await service.status(showtime: id, viewer: alice) }),
            ("book", { () async throws(SeatLockingError) in _ = try await service.book(["A1"], showtime: id, user: alice) }),
            ("extend", { () async throws(SeatLockingError) in _ = try await service.extend(["A2"], showtime: id, user: alice) }),
        ]
        for operation in operations {
            hang()
            // Timed on a thread of its own: the other tests of the run cannot delay its answer.
            let (took, failure) = await withTaskExecutorPreference(Self.executor) { () async -> (Duration, SeatLockingError?) in
                let started = ContinuousClock.now
                do throws(SeatLockingError) { try await operation.run() } catch { return (ContinuousClock.now - started, error) }
                return (ContinuousClock.now - started, nil)
            }
            wake()
            let error = try #require(failure, "\(operation.name) on a hung Redis cannot succeed")
            #expect(["redis_unavailable", "outcome_unknown"].contains(error.code), "\(operation.name): \(error)")
            #expect(took < Self.timeout + Self.margin, "\(operation.name) answered after \(took)")
            let stated = try #require(Self.statedWait(in: error.message), "\(operation.name): \(error.message)")
            // The message states the wait (to a tenth of a second from one second up); the
            // socket's timeout may end it a few milliseconds early, never late.
            #expect(
                stated >= Self.timeout - .milliseconds(10) && stated <= took + .milliseconds(50),
                "\(operation.name) says it waited \(stated), and took \(took)")
            // Redis answers again before the next operation hangs it.
            #expect(await eventually { (try? await service.status(showtime: id)) != nil })
        }
    }

    /// The wait a message states: `within 1.0 s`, or `within 996 ms` below a second.
    private static func statedWait(in message: String) -> Duration? {
        if let range = message.range(of: #"within \d+ ms"#, options: .regularExpression),
           let milliseconds = Int64(message[range].dropFirst("within ".count).dropLast(" ms".count)) {
            return .milliseconds(milliseconds)
        }
        guard let range = message.range(of: #"within (\d+)\.(\d) s"#, options: .regularExpression) else { return nil }
        let digits = message[range].dropFirst("within ".count).dropLast(" s".count).split(separator: ".")
        guard digits.count == 2, let whole = Int64(digits[0]), let tenth = Int64(digits[1]) else { return nil }
        return .milliseconds(whole * 1000 + tenth * 100)
    }
}
