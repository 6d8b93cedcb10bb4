import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SeatLocking
import Synchronization

/// The seat operations through the HTTP API of a running `cinebook serve`, as a client
/// would call them: one bearer token per user, JSON in and out. Answers are read back
/// into the core's types, and error answers into the core's errors, so the benchmark
/// treats both targets alike.
public final class HTTPSeatOperations: SeatOperations {
    private let client: HTTPClient
    /// `http://host:port` of the server.
    public let base: String
    private let catalog: Catalog
    private let mint: @Sendable (String) async throws -> String
    private let tokens = Mutex<[String: String]>([:])

    /// `base` is `http://host:port`; `catalog` gives the layouts of the server's showtimes
    /// (the same fixtures); `mint` makes a token for a user.
    public init(base: String, catalog: Catalog, connections: Int, mint: @escaping @Sendable (String) async throws -> String) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.catalog = catalog
        self.mint = mint
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The server answers `/health` with 200.
    public func checkHealth() async throws(SeatLockingError) {
        let (status, body) = try await send(.GET, "/health", user: nil)
        guard status == 200 else { throw .redisUnavailable("the server at \(base) is not healthy: \(status) \(body)") }
    }

    public func lock(_ seats: [String], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        try grant(try await send(.POST, "/api/v1/showtimes/\(showtime)/seats/lock", user: user, seats: seats), showtime: showtime, user: user)
    }

    public func extend(_ seats: [String], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        try grant(try await send(.PUT, "/api/v1/showtimes/\(showtime)/seats/extend-lock", user: user, seats: seats), showtime: showtime, user: user)
    }

    public func unlock(_ seats: [String], showtime: Int, user: String) async throws(SeatLockingError) -> Release {
        let json = try answer(try await send(.DELETE, "/api/v1/showtimes/\(showtime)/seats/unlock", user: user, seats: seats))
        guard let at = Self.date(json["server_time"]) else { throw .internalError("an unlock answer without server_time") }
        return Release(showtimeID: showtime, released: json["released"] as? [String] ?? [], serverTime: at)
    }

    public func book(_ seats: [String], showtime: Int, user: String) async throws(SeatLockingError) -> Booking {
        let json = try answer(try await send(.POST, "/api/v1/showtimes/\(showtime)/bookings", user: user, seats: seats))
        guard let id = (json["booking_id"] as? NSNumber)?.int64Value, let sold = json["seats"] as? [String] else {
            throw .internalError("a booking answer without booking_id or seats")
        }
        return Booking(id: id, showtimeID: showtime, user: user, seats: sold, bookedAt: Self.date(json["booked_at"]) ?? Date())
    }

    public func status(showtime: Int, viewer: String?) async throws(SeatLockingError) -> ShowtimeStatus {
        guard let known = catalog.showtime(showtime) else { throw .unknownShowtime(showtime) }
        let json = try answer(try await send(.GET, "/api/v1/showtimes/\(showtime)/seats/status", user: viewer ?? "bench-viewer"))
        let entries = json["seats"] as? [[String: Any]] ?? []
        let seats = entries.compactMap { entry -> SeatStatus? in
            guard let code = entry["seat"] as? String, let seat = known.layout.seat(code),
                  let state = (entry["state"] as? String).flatMap(SeatState.init(rawValue:))
            else { return nil }
            return SeatStatus(seat: seat, state: state, expiresAt: Self.date(entry["expires_at"]))
        }
        return ShowtimeStatus(showtime: known, viewer: viewer, seats: seats, serverTime: Self.date(json["server_time"]) ?? Date())
    }

    // MARK: Requests and answers

    private func token(for user: String) async throws(SeatLockingError) -> String {
        if let token = tokens.withLock({ $0[user] }) { return token }
        do {
            let token = try await mint(user)
            tokens.withLock { $0[user] = token }
            return token
        } catch {
            throw .invalidRequest("cannot mint a token for \(user): \(error)")
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, user: String?, seats: [String]? = nil) async throws(SeatLockingError) -> (Int, String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let user { request.headers.add(name: "Authorization", value: "Bearer \(try await token(for: user))") }
        if let seats {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: SeatLockingJSON.encode(["seats": seats])))
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), String(buffer: body))
        } catch {
            throw .redisUnavailable("HTTP \(method) \(path) failed: \(error)")
        }
    }

    /// The JSON object of a 2xx answer; other answers become the core's error of their code.
    private func answer(_ response: (Int, String)) throws(SeatLockingError) -> [String: Any] {
        let (status, body) = response
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        if (200..<300).contains(status) { return json }
        let seats = json["seats"] as? [String] ?? []
        switch json["error"] as? String {
        case "seats_unavailable":
            throw .seatsUnavailable(json["unavailable"] as? [String] ?? [], suggestions: json["suggestions"] as? [[String]] ?? [])
        case "not_lock_owner": throw .notLockOwner(seats)
        case "lock_expired": throw .lockExpired(seats)
        case "too_many_seats": throw .tooManySeats(requested: seats.count, alreadyHeld: 0, limit: 10)
        case "redis_unavailable": throw .redisUnavailable(json["message"] as? String ?? "503")
        case "database_unavailable": throw .databaseUnavailable(json["message"] as? String ?? "503")
        case "outcome_unknown": throw .outcomeUnknown(json["message"] as? String ?? "503")
        default: throw .internalError("HTTP \(status): \(body.prefix(200))")
        }
    }

    private func grant(_ response: (Int, String), showtime: Int, user: String) throws(SeatLockingError) -> LockGrant {
        let json = try answer(response)
        let held = (json["held"] as? [[String: Any]] ?? []).compactMap { entry -> HeldSeat? in
            guard let code = entry["seat"] as? String, let expiry = Self.date(entry["expires_at"]),
                  let token = (entry["token"] as? NSNumber)?.int64Value
            else { return nil }
            return HeldSeat(code: code, expiresAt: expiry, token: token)
        }
        guard !held.isEmpty, let at = Self.date(json["server_time"]) else {
            throw .internalError("a grant without held seats or server_time")
        }
        return LockGrant(showtimeID: showtime, user: user, seats: held, serverTime: at)
    }

    private static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap(SeatLockingJSON.date(fromTimestamp:))
    }
}
