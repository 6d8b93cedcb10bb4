import CinebookModel

/// Carries out the seat map's effects with the seat operations (the core, or a server
/// over HTTP) and turns each answer, success or failure, into the event that reports it.
/// Seats are held, released, booked and seen for the user's party, when they are in one.
struct SeatMapEffectRunner: Sendable {
    let operations: any SeatOperations
    let showtime: Int
    let user: String

    func perform(_ effect: SeatMapEffect, party: PartyCode?) async -> SeatMapEvent {
        switch effect {
        case let .lock(seats, pass):
            return .locked(seats, await outcome { () throws(SeatLockingError) in
                try await operations.lock(seats, showtime: showtime, user: user, party: party, ttl: nil, orNearest: true, pass: pass)
            })
        case let .lockBest(count, guess, pass):
            return .locked(guess, await outcome { () throws(SeatLockingError) in
                try await operations.lockBest(SeatWish(count: count), showtime: showtime, user: user, party: party, ttl: nil, pass: pass)
            })
        case let .party(ask):
            return .partyAnswered(ask, await outcome { () throws(SeatLockingError) in try await partyAnswer(to: ask, party: party) })
        case .joinRoom:
            return .roomAnswered(await outcome { () throws(SeatLockingError) in try await operations.joinRoom(showtime: showtime, user: user) })
        case .lookAtRoom:
            return .roomAnswered(await outcome { () throws(SeatLockingError) in
                try await operations.roomStanding(showtime: showtime, user: user)
            })
        case .leaveRoom:
            return .roomAnswered(await outcome { () throws(SeatLockingError) in try await operations.leaveRoom(showtime: showtime, user: user) })
        case let .unlock(seats):
            return .unlocked(seats, await outcome { () throws(SeatLockingError) in
                try await operations.unlock(seats, showtime: showtime, user: user, party: party)
            })
        case let .extend(seats):
            return .extended(await outcome { () throws(SeatLockingError) in
                try await operations.extend(seats, showtime: showtime, user: user, party: party, ttl: nil)
            })
        case let .book(seats):
            return .booked(await outcome { () throws(SeatLockingError) in
                try await operations.book(seats, showtime: showtime, user: user, party: party)
            })
        case let .markChoosing(seats):
            return .marked(await outcome { () throws(SeatLockingError) in
                try await operations.markChoosing(seats, showtime: showtime, user: user)
            })
        case .refresh:
            switch await outcome({ () throws(SeatLockingError) in try await operations.status(showtime: showtime, viewer: user, party: party) }) {
            case let .success(status): return .statusLoaded(status)
            case let .failure(error): return .statusFailed(error)
            }
        case let .poll(since):
            switch await outcome({ () throws(SeatLockingError) in
                try await operations.status(showtime: showtime, viewer: user, party: party, ifChangedSince: since)
            }) {
            case let .success(.unchanged(serverTime)): return .statusUnchanged(serverTime: serverTime)
            case let .success(.changed(status)): return .statusLoaded(status)
            case let .failure(error): return .statusFailed(error)
            }
        case .loadBookings:
            return .bookingsLoaded(await outcome { () throws(SeatLockingError) in try await operations.bookings(showtime: showtime, user: user) })
        case .loadStats:
            return .statsLoaded(await outcome { () throws(SeatLockingError) in try await operations.stats(showtime: showtime, since: nil) })
        case let .leave(seats):
            if let party {
                switch await outcome({ () throws(SeatLockingError) in try await operations.leaveParty(party, showtime: showtime, user: user) }) {
                case let .success(departure): return .left(released: departure.released, failure: nil)
                case let .failure(error): return .left(released: [], failure: error)
                }
            }
            guard !seats.isEmpty else { return .left(released: [], failure: nil) }
            switch await outcome({ () throws(SeatLockingError) in try await operations.unlock(seats, showtime: showtime, user: user) }) {
            case let .success(release): return .left(released: release.released, failure: nil)
            case let .failure(error): return .left(released: [], failure: error)
            }
        }
    }

    private func partyAnswer(to ask: PartyAsk, party: PartyCode?) async throws(SeatLockingError) -> Party {
        guard let party else {
            guard ask == .start else { throw .invalidRequest("You are not in a party.") }
            return try await operations.startParty(showtime: showtime, user: user)
        }
        switch ask {
        case .start, .look: return try await operations.party(party, showtime: showtime, user: user)
        case let .sit(seat): return try await operations.sit(in: seat, party: party, showtime: showtime, user: user)
        case let .swap(first, second): return try await operations.swap(first, second, party: party, showtime: showtime, user: user)
        }
    }

    private func outcome<Value>(_ work: () async throws(SeatLockingError) -> Value) async -> Result<Value, SeatLockingError> {
        do {
            return .success(try await work())
        } catch {
            return .failure(error)
        }
    }
}
