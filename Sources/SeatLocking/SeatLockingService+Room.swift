import CinebookModel
import Foundation
import RedisClient

/// A showtime's waiting room: people join, wait their turn, and are admitted with a pass
/// their first lock hands in. The room lives in Redis under the showtime's hash tag, so
/// every server shares it and it outlives any of them.
extension SeatLockingService {
    /// Joins the room (once: joining again keeps the place) and says where the user stands.
    public func joinRoom(showtime id: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try await standing(.join, showtime: id, user: user)
    }

    /// Where the user stands now; the room admits whoever's turn has come on the way.
    public func roomStanding(showtime id: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try await standing(.look, showtime: id, user: user)
    }

    /// Leaves the line (or gives back an unused pass).
    public func leaveRoom(showtime id: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        try await standing(.leave, showtime: id, user: user)
    }

    /// The room's counts, for `stats` and the metrics; admits whoever's turn has come.
    public func roomSummary(showtime id: Int) async throws(SeatLockingError) -> RoomSummary {
        try await roomCall(.look, showtime: id, user: "").summary
    }

    /// An operator's opening time for the room, which takes people from now on and, when it
    /// passes, draws the order of those who came before (`seed` fixes the draw, for tests;
    /// a room keeps the first seed it draws with). It overrides the catalog's `salesOpenAt`;
    /// moving it keeps everyone's place.
    public func openRoom(showtime id: Int, at opensAt: Date, seed: UInt32? = nil) async throws(SeatLockingError) {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        let room = SeatKeys(showtime: id).room
        try await plainCommand("room", showtime: id) {
            try await redis.send(RedisCommand(
                "HSET", [room, "opens_at", String(opensAt.milliseconds)] + (seed.map { ["seed", String($0)] } ?? []), routingKey: room))
        }
    }

    /// Removes the room and everyone in it: the showtime sells as if it never had one
    /// (unless the catalog gives it an opening time, which starts a new room).
    public func closeRoom(showtime id: Int) async throws(SeatLockingError) {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        let keys = SeatKeys(showtime: id)
        try await plainCommand("room", showtime: id) { try await redis.send(RedisCommand("DEL", Self.roomKeys(keys), routingKey: keys.room)) }
    }

    private static func roomKeys(_ keys: SeatKeys) -> [String] {
        [
            keys.room, keys.roomEarly, keys.roomLine, keys.roomJoined, keys.roomPasses, keys.roomChoosing, keys.roomSessions,
            keys.roomDemand, keys.roomAdmissions,
        ]
    }

    // MARK: The gate of a lock

    /// What the lock script's gate needs for this request: the catalog's opening time, and
    /// the ticket of a pass checked here (signature, user, showtime, expiry) before the
    /// script checks that it is the user's and unused.
    func admission(for request: Request, pass: String?) async throws(SeatLockingError) -> LockInput.Admission {
        var admission = LockInput.Admission(opensAt: request.showtime.salesOpenAt)
        if let pass {
            let claims = try await plainCommand("room", showtime: request.showtime.id) {
                try await passes.check(pass, showtime: request.showtime.id, user: request.party?.member ?? request.user, at: Date(), redis: redis)
            }
            admission.passTicket = claims.ticket
        }
        return admission
    }

    /// The error of a lock the room refused.
    func roomRefusal(_ reason: String, opensAt: Date?, showtime: Showtime) -> SeatLockingError {
        switch reason {
        case "sales_not_open":
            .waitingRoom(.notOpenYet(showtime: showtime.id, opensAt: opensAt ?? showtime.salesOpenAt ?? Date(), timeZone: showtime.timeZone))
        case "pass_required": .waitingRoom(.passRequired(showtime: showtime.id))
        case "pass_used": .waitingRoom(.passUsed)
        case "pass_expired": .waitingRoom(.passExpired)
        default: .waitingRoom(.passInvalid("it is not the pass the room gave you"))
        }
    }

    // MARK: The room script

    private func standing(_ action: RoomInput.Action, showtime id: Int, user: String) async throws(SeatLockingError) -> RoomStanding {
        let user = try Self.validatedUser(user)
        let outcome = try await roomCall(action, showtime: id, user: user)
        var pass: RoomPass?
        if let (ticket, expiresAt) = outcome.pass {
            pass = try await plainCommand("room", showtime: id) {
                try await passes.pass(for: .init(showtime: id, ticket: ticket, expiresAt: expiresAt), user: user, redis: redis)
            }
        }
        let ahead = outcome.ahead
        return RoomStanding(
            showtimeID: id, phase: outcome.phase, ticket: outcome.ticket, ahead: ahead,
            estimatedWait: ahead.flatMap { ahead in outcome.perAdmission.map { $0 * ahead } }, likelySoldOut: outcome.likelySoldOut,
            opensAt: outcome.opensAt, pass: pass, askAgainIn: Self.askAgainIn(outcome), serverTime: outcome.serverTime)
    }

    /// Every half second for anyone still in the running, so that their turn, or the end of
    /// the seats, reaches them within a second; rarely for the rest.
    private static func askAgainIn(_ outcome: RoomOutcome) -> Duration {
        switch outcome.phase {
        case .preQueue:
            let untilOpening = outcome.opensAt.map { Duration.milliseconds($0.milliseconds - outcome.serverTime.milliseconds) } ?? .seconds(5)
            return max(.milliseconds(200), min(.seconds(5), untilOpening))
        case .waiting:
            return outcome.likelySoldOut ? .seconds(5) : .milliseconds(500)
        case .open, .admitted, .choosing, .outside:
            return .seconds(5)
        }
    }

    private func roomCall(_ action: RoomInput.Action, showtime id: Int, user: String) async throws(SeatLockingError) -> RoomOutcome {
        try await withinTimeout { () async throws(SeatLockingError) in
            guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
            let input = RoomInput(
                keys: SeatKeys(showtime: id), user: user, action: action, opensAt: showtime.salesOpenAt,
                sellableSeats: showtime.sellableSeats, policy: policy.room, seed: UInt32.random(in: 1...UInt32.max))
            let outcome = try await run(SeatScripts.room, input, Request(showtime: showtime, user: user, seats: []), write: action != .look)
            if outcome.active { metrics.room(outcome.summary, showtime: id) }
            return outcome
        }
    }

    /// Runs Redis commands outside a script (the room's, a party's), with failures in the
    /// core's words.
    @discardableResult
    func plainCommand<Value>(_ operation: String, showtime id: Int, _ work: () async throws -> Value) async throws(SeatLockingError) -> Value {
        do {
            return try await work()
        } catch let error as SeatLockingError {
            throw error
        } catch {
            throw redisFailure(error, operation: operation, ["showtime": "\(id)"])
        }
    }
}
