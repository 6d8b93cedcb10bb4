import CinebookModel

/// Carries out the seat map's effects with the seat operations (the core, or a server
/// over HTTP) and turns each answer, success or failure, into the event that reports it.
struct SeatMapEffectRunner: Sendable {
    let operations: any SeatOperations
    let showtime: Int
    let user: String

    func perform(_ effect: SeatMapEffect) async -> SeatMapEvent {
        switch effect {
        case let .lock(seats, pass):
            return .locked(seats, await outcome { () throws(SeatLockingError) in
                try await operations.lock(seats, showtime: showtime, user: user, ttl: nil, orNearest: true, pass: pass)
            })
        case let .lockBest(count, guess, pass):
            return .locked(guess, await outcome { () throws(SeatLockingError) in
                try await operations.lockBest(SeatWish(count: count), showtime: showtime, user: user, ttl: nil, pass: pass)
            })
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
                try await operations.unlock(seats, showtime: showtime, user: user)
            })
        case let .extend(seats):
            return .extended(await outcome { () throws(SeatLockingError) in
                try await operations.extend(seats, showtime: showtime, user: user, ttl: nil)
            })
        case let .book(seats):
            return .booked(await outcome { () throws(SeatLockingError) in
                try await operations.book(seats, showtime: showtime, user: user)
            })
        case let .markChoosing(seats):
            return .marked(await outcome { () throws(SeatLockingError) in
                try await operations.markChoosing(seats, showtime: showtime, user: user)
            })
        case .refresh:
            switch await outcome({ () throws(SeatLockingError) in try await operations.status(showtime: showtime, viewer: user) }) {
            case let .success(status): return .statusLoaded(status)
            case let .failure(error): return .statusFailed(error)
            }
        case let .poll(since):
            switch await outcome({ () throws(SeatLockingError) in
                try await operations.status(showtime: showtime, viewer: user, ifChangedSince: since)
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
            guard !seats.isEmpty else { return .left(released: [], failure: nil) }
            switch await outcome({ () throws(SeatLockingError) in try await operations.unlock(seats, showtime: showtime, user: user) }) {
            case let .success(release): return .left(released: release.released, failure: nil)
            case let .failure(error): return .left(released: [], failure: error)
            }
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
