import CinebookModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RedisClient
import SeatAPI
import SeatAPIClient
import SeatLocking
import SeatRecords
import TestSupport

/// A live API server (on a free port) over showtimes of its own, on the test run's Redis.
struct APIHarness: Sendable {
    let showtimes: [Showtime]
    let service: SeatLockingService
    let redis: RedisClient
    let tokens: AccessTokens
    let configuration: APIConfiguration
    /// This server's metrics, the core's among them.
    let metrics: APIMetrics

    var showtime: Showtime { showtimes[0] }
    var id: Int { showtime.id }

    /// A server over `showtimes` (default: one fresh 5 × 10 grid) with the default rate
    /// limit and no sweeper, unless `configure` says otherwise.
    static func make(
        showtimes: [Showtime]? = nil,
        redis url: RedisURL? = nil,
        timeout: Duration = .seconds(5),
        policy: LockPolicy = LockPolicy(),
        records: (any SalesRecord)? = nil,
        configure: (inout APIConfiguration) -> Void = { _ in }
    ) async throws -> APIHarness {
        let showtimes = try showtimes ?? [TestShowtimes.grid(rows: 5, seats: 10)]
        let redis = RedisClient(
            url: try url ?? RedisTestServer.shared().url, timeouts: RedisTimeouts(connect: timeout, command: timeout), connections: 2)
        var configuration = APIConfiguration(sweepInterval: nil)
        configure(&configuration)
        let metrics = APIMetrics()
        return APIHarness(
            showtimes: showtimes,
            service: SeatLockingService(
                redis: redis, records: try records ?? TestRecords.shared(), catalog: Catalog(showtimes: showtimes), policy: policy,
                logger: quietLogger, metrics: SeatMetrics(factory: metrics.factory)),
            redis: redis,
            tokens: try await AccessTokens(secret: AccessTokens.generateSecret()),
            configuration: configuration,
            metrics: metrics)
    }

    /// Runs `body` against the live server, then shuts the server down.
    func run<Value: Sendable>(_ body: @Sendable (APIClient) async throws -> Value) async throws -> Value {
        try await live { client in try await body(APIClient(client: client, tokens: tokens)) }
    }

    /// Runs `body` with the API's own client (`SeatAPIClient`) on the live server, then
    /// shuts both down.
    func runWithSeatAPIClient<Value: Sendable>(
        socket: Bool = false, _ body: @Sendable (SeatAPIClient) async throws -> Value
    ) async throws -> Value {
        try await live { tester in
            guard let port = tester.port else { throw HarnessError("the live server has no port") }
            // Patient: a loaded machine running every test at once answers slowly at times.
            let client = SeatAPIClient(
                base: "http://127.0.0.1:\(port)", catalog: Catalog(showtimes: showtimes), connections: 2, requestTimeout: .seconds(60),
                socket: socket
            ) { user in
                try await tokens.mint(user: user, ttl: .seconds(3600))
            }
            do {
                let value = try await body(client)
                await client.shutdown()
                return value
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }

    private func live<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        defer { redis.close() }
        let application = buildApplication(
            service: service, tokens: tokens, configuration: configuration, metrics: metrics, logger: quietLogger)
        return try await application.test(.ahc(.http)) { client in try await body(client) }
    }

    /// The router alone, for checks that need no server.
    func router() -> Router<APIRequestContext> {
        buildRouter(service: service, tokens: tokens, configuration: configuration, metrics: metrics)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "cinebook.api.test")
    logger.logLevel = .critical
    return logger
}()
