import AsyncHTTPClient
import CinebookModel
import CinebookWire
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The seat operations through the HTTP API of a running `cinebook serve`, as any client
/// would call them: a bearer token per user, JSON in and out. Answers are read back into
/// the core's types, and error answers into the core's errors, so the seat map and the
/// benchmark work the same through the API as on the core. A server that cannot be
/// reached is `serverUnreachable`, within the request timeout.
public final class SeatAPIClient: SeatOperations {
    let client: HTTPClient
    /// `http://host:port` of the server.
    public let base: String
    private let showtimes: Mutex<[Int: Showtime]>
    private let token: @Sendable (String) async throws -> String
    private let tokens = Mutex<[String: String]>([:])
    /// Server time minus local time, from the last answer that said: a 304 carries no
    /// `server_time`, so its time is estimated with this.
    private let clockOffset = Mutex<TimeInterval>(0)
    let requestTimeout: Duration
    /// Events and seat operations over the showtime's WebSocket, where the server offers one.
    public let prefersSocket: Bool
    /// One socket per showtime, opened by `events(showtime:)` with the viewer's token.
    private let links = Mutex<[Int: SeatSocketLink]>([:])

    /// `base` is `http://host:port`; `catalog` gives the layouts of showtimes known ahead
    /// (others are fetched with `showtime(_:)`); `token` gives the bearer token of a user
    /// (for a client with one token: that token, whoever is asked for). With `socket`, a
    /// showtime's events and its seat operations go over its WebSocket while it is open.
    public init(
        base: String, catalog: Catalog = Catalog(showtimes: []), connections: Int, requestTimeout: Duration = .seconds(5),
        socket: Bool = false, token: @escaping @Sendable (String) async throws -> String
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        // Reads wait at most this long between bytes; an event stream hears a heartbeat every 15 s.
        configuration.timeout = .init(connect: .seconds(1), read: .seconds(45))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        showtimes = Mutex(Dictionary(uniqueKeysWithValues: catalog.showtimes.map { ($0.id, $0) }))
        self.token = token
        self.requestTimeout = requestTimeout
        prefersSocket = socket
    }

    public func shutdown() async {
        for link in links.withLock({ links in defer { links = [:] }; return links.values }) { link.close() }
        try? await client.shutdown()
    }

    /// The server answers `/health` with 200.
    public func checkHealth() async throws(SeatLockingError) {
        let (status, body, _) = try await send(.GET, "/health", user: nil)
        guard status == 200 else { throw .serverUnreachable("the server at \(base) is not healthy: \(status) \(body)") }
    }

    // MARK: Showtimes

    /// The ids of the server's showtimes, in its order.
    public func showtimeIDs() async throws(SeatLockingError) -> [Int] {
        try decoded(SeatLockingJSON.Showtimes.self, from: try await send(.GET, "/api/v1/showtimes", user: nil), what: "the showtimes").ids
    }

    /// Showtime `id` with its layout, and the server's rules for holds: with `viewer`'s
    /// token, the rules of their tier.
    public func showtime(_ id: Int, as viewer: String? = nil) async throws(SeatLockingError) -> (showtime: Showtime, policy: LockPolicy) {
        let response = try await send(.GET, "/api/v1/showtimes/\(id)", user: viewer)
        if response.status == 404 { throw .unknownShowtime(id) }
        let what = "showtime \(id)"
        guard let decoded = try self.decoded(SeatLockingJSON.ShowtimeDetail.self, from: response, what: what).decoded() else {
            throw Self.unreadable(what)
        }
        showtimes.withLock { $0[id] = decoded.showtime }
        return decoded
    }

    private func known(_ id: Int) throws(SeatLockingError) -> Showtime {
        guard let showtime = showtimes.withLock({ $0[id] }) else { throw .unknownShowtime(id) }
        return showtime
    }

    // MARK: Seat operations

    public func lock(
        _ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?, ttl: Duration?, orNearest: Bool, pass: String?
    ) async throws(SeatLockingError) -> LockGrant {
        let request = SeatSocketJSON.Request(.lock, seats: seats, ttl: ttl, orNearest: orNearest, party: party, pass: pass)
        let answer = try await exchange(request, showtime: showtime, user: user) { () throws(SeatLockingError) in
            try await send(
                .POST, "/api/v1/showtimes/\(showtime)/seats/lock", user: user, body: .init(seats: seats, ttl: ttl, orNearest: orNearest),
                headers: Self.headers(party: party, pass: pass))
        }
        return try read(answer, as: SeatLockingJSON.Grant.self, "a grant", \.lockGrant, at: \.serverTime)
    }

    /// `POST .../seats/best` with the wish in the query, as `GET` reads it.
    public func lockBest(
        _ wish: SeatWish, showtime: Int, user: String, party: PartyCode?, ttl: Duration?, pass: String?
    ) async throws(SeatLockingError) -> LockGrant {
        var query = ["count=\(wish.count)"]
        if let category = wish.category { query.append("category=\(category.rawValue)") }
        if wish.wheelchair { query.append("wheelchair=true") }
        if !wish.near.isEmpty { query.append("near=" + wish.near.map(\.code.text).joined(separator: ",")) }
        if let ttl { query.append("ttl_seconds=\(ttl.components.seconds)") }
        let answer = try await exchange(.init(best: wish, ttl: ttl, party: party, pass: pass), showtime: showtime, user: user) {
            () throws(SeatLockingError) in
            try await send(
                .POST, "/api/v1/showtimes/\(showtime)/seats/best?" + query.joined(separator: "&"), user: user,
                headers: Self.headers(party: party, pass: pass))
        }
        return try read(answer, as: SeatLockingJSON.Grant.self, "a grant", \.lockGrant, at: \.serverTime)
    }

    /// The party and the waiting room's pass travel in headers of their own, never in a URL
    /// (which logs keep).
    private static func headers(party: PartyCode?, pass: String? = nil) -> [String: String] {
        var headers: [String: String] = [:]
        headers[WireHeader.party] = party?.text
        headers[WireHeader.pass] = pass
        return headers
    }

    // MARK: The waiting room

    public func joinRoom(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try read(try await send(.POST, "/api/v1/showtimes/\(showtime)/queue", user: user), as: SeatLockingJSON.Standing.self, "a place in line", \.standing, at: \.serverTime)
    }

    public func roomStanding(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try read(try await send(.GET, "/api/v1/showtimes/\(showtime)/queue", user: user), as: SeatLockingJSON.Standing.self, "a place in line", \.standing, at: \.serverTime)
    }

    public func leaveRoom(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try read(try await send(.DELETE, "/api/v1/showtimes/\(showtime)/queue", user: user), as: SeatLockingJSON.Standing.self, "a place in line", \.standing, at: \.serverTime)
    }

    public func extend(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        let answer = try await exchange(.init(.extend, seats: seats, ttl: ttl, party: party), showtime: showtime, user: user) {
            () throws(SeatLockingError) in
            try await send(
                .PUT, "/api/v1/showtimes/\(showtime)/seats/extend-lock", user: user, body: .init(seats: seats, ttl: ttl),
                headers: Self.headers(party: party))
        }
        return try read(answer, as: SeatLockingJSON.Grant.self, "a grant", \.lockGrant, at: \.serverTime)
    }

    public func markChoosing(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> ChoosingMark {
        try read(
            try await send(.PUT, "/api/v1/showtimes/\(showtime)/seats/presence", user: user, body: .init(seats: seats)),
            as: SeatLockingJSON.Choosing.self, "a mark of presence", \.mark, at: \.serverTime)
    }

    public func unlock(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Release {
        let answer = try await exchange(.init(.unlock, seats: seats, party: party), showtime: showtime, user: user) {
            () throws(SeatLockingError) in
            try await send(
                .DELETE, "/api/v1/showtimes/\(showtime)/seats/unlock", user: user, body: .init(seats: seats), headers: Self.headers(party: party))
        }
        return try read(answer, as: SeatLockingJSON.Released.self, "a release", \.release, at: \.serverTime)
    }

    public func book(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Booking {
        let answer = try await exchange(.init(.book, seats: seats, party: party), showtime: showtime, user: user) {
            () throws(SeatLockingError) in
            try await send(.POST, "/api/v1/showtimes/\(showtime)/bookings", user: user, body: .init(seats: seats), headers: Self.headers(party: party))
        }
        return try read(answer, as: SeatLockingJSON.Booked.self, "a booking", \.booking, at: \.bookedAt)
    }

    public func status(showtime: Int, viewer: String?, party: PartyCode?) async throws(SeatLockingError) -> ShowtimeStatus {
        try await status(showtime: showtime, viewer: viewer, party: party, tag: nil)!
    }

    /// A conditional GET: `If-None-Match` with the revision's tag, and a 304 when current.
    public func status(
        showtime: Int, viewer: String, party: PartyCode?, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading {
        let tag = revision.tag(showtime: showtime, viewer: party?.holder ?? viewer)
        let reading = try await status(showtime: showtime, viewer: viewer, party: party, tag: tag)
        if let status = reading { return .changed(status) }
        return .unchanged(serverTime: Date().addingTimeInterval(clockOffset.withLock { $0 }))
    }

    public func stats(showtime: Int, since: Date?) async throws(SeatLockingError) -> ShowtimeStats {
        let query = since.map { "?since=" + SeatLockingJSON.timestamp($0).replacingOccurrences(of: "+", with: "%2B") } ?? ""
        let response = try await send(.GET, "/api/v1/showtimes/\(showtime)/stats\(query)", user: Self.anyViewer)
        let what = "figures of showtime \(showtime)"
        guard let stats = ShowtimeStats(try decoded(SeatLockingJSON.Stats.self, from: response, what: what)) else { throw Self.unreadable(what) }
        return stats
    }

    /// The caller's bookings (the token's user), of one showtime or all.
    public func bookings(showtime: Int?, user: String?) async throws(SeatLockingError) -> [Booking] {
        let response = try await send(.GET, "/api/v1/bookings", user: user ?? Self.anyViewer)
        guard let all = try decoded(SeatLockingJSON.Bookings.self, from: response, what: "bookings").decoded else { throw Self.unreadable("bookings") }
        return showtime.map { id in all.filter { $0.showtimeID == id } } ?? all
    }

    /// Whose token reads what any user may read (a client with one token sends that one).
    private static let anyViewer = "bench-viewer"

    /// The viewer the server sees for `user`'s token (the token's subject).
    public func viewer(of user: String, showtime: Int) async throws(SeatLockingError) -> String {
        guard let viewer = try await status(showtime: showtime, viewer: user).viewer else {
            throw .internalError("the server's status answer names no viewer")
        }
        return viewer
    }

    /// The status, or nil on a 304 to `tag`.
    private func status(showtime: Int, viewer: String?, party: PartyCode?, tag: String?) async throws(SeatLockingError) -> ShowtimeStatus? {
        let known = try known(showtime)
        var headers = Self.headers(party: party)
        headers["If-None-Match"] = tag
        let response = try await send(.GET, "/api/v1/showtimes/\(showtime)/seats/status", user: viewer ?? Self.anyViewer, headers: headers)
        if response.status == 304 { return nil }
        try succeeded(response)
        let revision = response.headers["ETag"].flatMap(ShowtimeRevision.init(tag:)) ?? ShowtimeRevision()
        guard let status = SeatLockingJSON.Status.status(from: Data(response.body.utf8), showtime: known, revision: revision) else {
            throw Self.unreadable("the status of showtime \(showtime)")
        }
        observe(serverTime: status.serverTime)
        return status
    }

    public func events(showtime: Int) throws(SeatLockingError) -> AsyncStream<SeatFeedEvent> {
        _ = try known(showtime)
        let reader = EventStreamReader(client: self, showtime: showtime)
        guard prefersSocket else { return reader.feed() }
        let url = base.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
            + "/api/v1/showtimes/\(showtime)/ws"
        let link = SeatSocketLink(
            url: url, token: { try await self.bearer(for: reader.user) }, requestTimeout: requestTimeout, fallback: { reader.feed() })
        links.withLock { $0.updateValue(link, forKey: showtime) }?.close()
        return link.events
    }

    /// A seat operation over the showtime's socket when it is open with this user's token;
    /// else `http`. A request that went out over the socket is not sent again over HTTP.
    private func exchange(
        _ request: SeatSocketJSON.Request, showtime: Int, user: String, http: () async throws(SeatLockingError) -> Answer
    ) async throws(SeatLockingError) -> Answer {
        if let link = links.withLock({ $0[showtime] }), link.isOpen(for: try await bearer(for: user)) {
            let (status, body) = try await link.send(request)
            return (status, body, [:])
        }
        return try await http()
    }

    // MARK: Parties

    public func startParty(showtime: Int, user: String) async throws(SeatLockingError) -> Party {
        try party(from: try await send(.POST, "/api/v1/showtimes/\(showtime)/parties", user: user))
    }

    public func joinParty(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party {
        try party(from: try await send(.POST, "/api/v1/showtimes/\(showtime)/parties/\(code)/members", user: user))
    }

    public func party(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party {
        try party(from: try await send(.GET, "/api/v1/showtimes/\(showtime)/parties/\(code)", user: user))
    }

    public func leaveParty(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> PartyDeparture {
        let response = try await send(.DELETE, "/api/v1/showtimes/\(showtime)/parties/\(code)/members/me", user: user)
        guard let departure = try decoded(SeatLockingJSON.PartyDeparture.self, from: response, what: "a departure").departure else {
            throw Self.unreadable("a departure")
        }
        return departure
    }

    public func sit(in seat: SeatCode, party code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party {
        try party(from: try await send(.PUT, "/api/v1/showtimes/\(showtime)/parties/\(code)/seats", user: user, body: .init(seats: [seat])))
    }

    public func swap(
        _ first: SeatCode, _ second: SeatCode, party code: PartyCode, showtime: Int, user: String
    ) async throws(SeatLockingError) -> Party {
        try party(from: try await send(.PUT, "/api/v1/showtimes/\(showtime)/parties/\(code)/seats", user: user, body: .init(seats: [first, second])))
    }

    private func party(from response: Answer) throws(SeatLockingError) -> Party {
        guard let party = try decoded(SeatLockingJSON.Party.self, from: response, what: "a party").party else { throw Self.unreadable("a party") }
        observe(serverTime: party.serverTime)
        return party
    }

    // MARK: Requests and answers

    func bearer(for user: String) async throws(SeatLockingError) -> String {
        if let token = tokens.withLock({ $0[user] }) { return token }
        do {
            let token = try await token(user)
            tokens.withLock { $0[user] = token }
            return token
        } catch {
            throw .invalidRequest("no token for \(user): \(error)")
        }
    }

    private typealias Answer = (status: Int, body: String, headers: [String: String])

    private func send(
        _ method: HTTPMethod, _ path: String, user: String?, body: SeatLockingJSON.SeatRequest? = nil, headers: [String: String] = [:]
    ) async throws(SeatLockingError) -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let user { request.headers.add(name: "Authorization", value: "Bearer \(try await bearer(for: user))") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: SeatLockingJSON.encode(body)))
        }
        do {
            let response = try await client.execute(request, timeout: TimeAmount(requestTimeout))
            let body = try await response.body.collect(upTo: 4 << 20)
            let fields = Dictionary(response.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            return (Int(response.status.code), String(buffer: body), fields)
        } catch {
            throw .serverUnreachable("\(method) \(base)\(path): \(Self.describe(error))")
        }
    }

    /// A transport failure in a few words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "no connection within 1 s"
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        let text = "\(error)"
        return text.contains("Connection refused") ? "connection refused" : text
    }

    /// A successful answer's body as `Wire`; a failure as its error. `what` names the body
    /// in the error when it cannot be read.
    private func decoded<Wire: Decodable>(_ type: Wire.Type, from response: Answer, what: String) throws(SeatLockingError) -> Wire {
        try succeeded(response)
        guard let wire = try? SeatLockingJSON.decode(Wire.self, from: Data(response.body.utf8)) else { throw Self.unreadable(what) }
        return wire
    }

    private static func unreadable(_ what: String) -> SeatLockingError {
        .internalError("the server sent \(what) in a form this client does not read")
    }

    /// Nothing for a 2xx answer; any other becomes the core's error of its code.
    private func succeeded(_ response: Answer) throws(SeatLockingError) {
        let (status, body, _) = response
        if (200..<300).contains(status) { return }
        if let failure = try? SeatLockingJSON.decode(SeatLockingJSON.Failure.self, from: Data(body.utf8)),
           let error = failure.seatLockingError {
            throw error
        }
        // Not an error of the core's: a proxy, a server going away, or a bug.
        if status == 502 || status == 503 || status == 504 { throw .serverUnreachable("HTTP \(status)") }
        throw .internalError("HTTP \(status): \(body.prefix(200))")
    }

    /// A seat operation's answer: its body read back into the core's value, whose server
    /// time is noted.
    private func read<Wire: Decodable, Value>(
        _ response: Answer, as wire: Wire.Type, _ what: String, _ value: (Wire) -> Value?, at time: (Value) -> Date
    ) throws(SeatLockingError) -> Value {
        guard let result = value(try decoded(wire, from: response, what: what)) else { throw Self.unreadable(what) }
        observe(serverTime: time(result))
        return result
    }

    /// The server's time from an answer, kept to estimate the server's clock.
    private func observe(serverTime: Date) {
        clockOffset.withLock { $0 = serverTime.timeIntervalSinceNow }
    }
}
