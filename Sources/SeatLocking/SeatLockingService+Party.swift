import CinebookModel
import Foundation
import RedisClient

/// Parties: people who choose seats for one showtime together. One starts a party and
/// reads its code aloud; the others join with it. Seats any member picks (`lock` with
/// `party`) are held for the party: one hold, one TTL that any member's activity extends,
/// one seat limit; each seat names the member who sits in it. Any member can book the
/// party's seats. A member who leaves gives back their own seats; the last one gives back
/// the rest, and the party ends.
extension SeatLockingService {
    /// Starts a party with the user as its first member, under a new code.
    public func startParty(showtime id: Int, user: String) async throws(SeatLockingError) -> Party {
        let user = try Self.validatedUser(user)
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        // A code is claimed across all showtimes first; a few draws find a free one.
        for _ in 1...Self.codeDraws {
            let code = PartyCode.random()
            let registry = ServerKeys.partyCode(code)
            let claimed = try await plainCommand("party", showtime: id) {
                try await redis.send(
                    "SET", registry, String(id), "NX", "PX", String(codeMemory.milliseconds), routingKey: registry)
            }
            guard claimed.string != nil else { continue }
            switch try await partyCall(.start, code: code, showtime: id, user: user) {
            case let .party(snapshot): return party(code, showtime: id, snapshot)
            case .taken, .ended, .notMember, .full: continue
            }
        }
        throw .internalError("no free party code after \(Self.codeDraws) draws")
    }

    /// Joins the party with this code (joining again changes nothing).
    public func joinParty(_ code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> Party {
        let user = try Self.validatedUser(user)
        try await checkCode(code, showtime: id)
        return party(code, showtime: id, try accepted(try await partyCall(.join, code: code, showtime: id, user: user), code: code))
    }

    /// The party as a member sees it: its members, and who sits where.
    public func party(_ code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> Party {
        let user = try Self.validatedUser(user)
        try await checkCode(code, showtime: id)
        return party(code, showtime: id, try accepted(try await partyCall(.look, code: code, showtime: id, user: user), code: code))
    }

    /// Leaves the party, giving back the user's seats (every seat, when nobody is left).
    public func leaveParty(_ code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> PartyDeparture {
        let user = try Self.validatedUser(user)
        try await checkCode(code, showtime: id)
        let snapshot = try accepted(try await partyCall(.leave, code: code, showtime: id, user: user), code: code)
        var released: [SeatCode] = []
        if !snapshot.givenBack.isEmpty {
            let request = Request(showtime: catalog.showtime(id)!, user: code.holder, seats: snapshot.givenBack.sorted())
            released = try await release(request, strict: false).released
            metrics.holdsEnded(.released, seats: released.count)
        }
        logger.debug("left a party", metadata: ["showtime": "\(id)", "party": "\(code)", "user": "\(user)", "released": "\(released)"])
        let remaining = snapshot.members.isEmpty ? nil : party(code, showtime: id, snapshot, without: Set(released))
        return PartyDeparture(released: released, party: remaining)
    }

    /// The member sits in one of the party's seats, in place of whoever sat there.
    public func sit(in seat: SeatCode, party code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> Party {
        try await changeSeats(.move(into: seat), party: code, showtime: id, user: user)
    }

    /// The people in two of the party's seats change places, in one step.
    public func swap(_ first: SeatCode, _ second: SeatCode, party code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> Party {
        guard first != second else { throw .invalidRequest("Name two different seats to swap.") }
        return try await changeSeats(.swap(first, second), party: code, showtime: id, user: user)
    }

    private func changeSeats(
        _ change: PartySeatInput.Change, party code: PartyCode, showtime id: Int, user: String
    ) async throws(SeatLockingError) -> Party {
        let request = try validated(change.seats, showtime: id, user: user, party: code)
        let outcome = try await withinTimeout { () async throws(SeatLockingError) in
            try await run(
                SeatScripts.partySeat, PartySeatInput(keys: SeatKeys(showtime: id), code: code, member: request.party!.member, change: change),
                request, write: true)
        }
        switch outcome {
        case .changed: return try await party(code, showtime: id, user: user)
        case .notMember: throw .party(.notMember(code))
        case let .notPartySeats(seats): throw .notLockOwner(seats)
        }
    }

    /// A party's member acting for it: refused unless they are in it now. (A lock checks in
    /// its own script; the other operations ask first.)
    func requireMembership(_ request: Request) async throws(SeatLockingError) {
        guard let membership = request.party else { return }
        let key = SeatKeys(showtime: request.showtime.id).party(membership.code)
        let member = try await plainCommand("party", showtime: request.showtime.id) {
            try await redis.send("HEXISTS", key, "member:\(membership.member)", routingKey: key)
        }
        guard member.int == 1 else { throw .party(.notMember(membership.code)) }
    }

    /// Who sits in each of the request's seats, for a party's booking, in one script call
    /// that refuses a member who is not in the party (the code was checked when they joined).
    func sitters(_ request: Request) async throws(SeatLockingError) -> [SeatCode: String] {
        guard let membership = request.party else { return [:] }
        let outcome = try await partyCall(.look, code: membership.code, showtime: request.showtime.id, user: membership.member)
        // Whatever the reason (an ended party, or none), the member is not in it now.
        guard case let .party(snapshot) = outcome else { throw .party(.notMember(membership.code)) }
        let seats = snapshot.seats
        return seats.filter { request.seats.contains($0.key) && !$0.value.sitter.isEmpty }.mapValues(\.sitter)
    }

    // MARK: Codes and calls

    /// A few draws of a code: the words and numbers give 100,000 codes, so a clash is rare.
    private static let codeDraws = 8

    /// How long a code stays claimed: an idle party's life and the memory of its end.
    private var codeMemory: Duration { policy.party.idleLifetime + policy.party.endedCodeMemory }

    /// A code of this showtime, or why not: never given out, or given to another showtime.
    private func checkCode(_ code: PartyCode, showtime id: Int) async throws(SeatLockingError) {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        let registry = ServerKeys.partyCode(code)
        let owner = try await plainCommand("party", showtime: id) { try await redis.send("GET", registry, routingKey: registry) }
        guard let showtime = owner.string.flatMap({ Int($0) }) else { throw .party(.notFound(code)) }
        guard showtime == id else { throw .party(.otherShowtime(code, showtime: showtime)) }
    }

    private func partyCall(_ action: PartyInput.Action, code: PartyCode, showtime id: Int, user: String) async throws(SeatLockingError) -> PartyOutcome {
        try await withinTimeout { () async throws(SeatLockingError) in
            guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
            let input = PartyInput(keys: SeatKeys(showtime: id), code: code, user: user, action: action, policy: policy.party)
            return try await run(SeatScripts.party, input, Request(showtime: showtime, user: user, seats: []), write: action != .look)
        }
    }

    /// The party the script answered with, or its refusal as an error.
    private func accepted(_ outcome: PartyOutcome, code: PartyCode) throws(SeatLockingError) -> PartyOutcome.Snapshot {
        switch outcome {
        case let .party(snapshot): return snapshot
        case .taken, .ended: throw .party(.ended(code))
        case .notMember: throw .party(.notMember(code))
        case let .full(members): throw .party(.full(code, members: members))
        }
    }

    private func party(_ code: PartyCode, showtime id: Int, _ snapshot: PartyOutcome.Snapshot, without gone: Set<SeatCode> = []) -> Party {
        let seats = snapshot.seats.filter { !gone.contains($0.key) }
        // Each member's seats in the order of the hall, row by row.
        let hall = catalog.showtime(id)?.layout.seats.map(\.code) ?? seats.keys.sorted()
        let members = snapshot.members.sorted { ($0.joinedAt, $0.name) < ($1.joinedAt, $1.name) }.map { member in
            Party.Member(name: member.name, joinedAt: member.joinedAt, seats: hall.filter { seats[$0]?.sitter == member.name })
        }
        return Party(
            code: code, showtimeID: id, startedBy: snapshot.startedBy, members: members, seats: seats.mapValues(\.sitter),
            holdExpiresAt: seats.values.map(\.expiresAt).max(), serverTime: snapshot.serverTime)
    }
}
