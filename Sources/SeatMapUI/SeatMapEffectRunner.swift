import SeatLocking

/// Carries out the seat map's effects with the seat-locking core and turns each answer,
/// success or failure, into the event that reports it.
struct SeatMapEffectRunner: Sendable {
    let service: SeatLockingService
    let showtime: Int
    let user: String

    func perform(_ effect: SeatMapEffect) async -> SeatMapEvent {
        switch effect {
        case let .lock(seats):
            return .locked(seats, await outcome { () throws(SeatLockingError) in
                try await service.lock(seats, showtime: showtime, user: user)
            })
        case let .unlock(seats):
            return .unlocked(seats, await outcome { () throws(SeatLockingError) in
                try await service.unlock(seats, showtime: showtime, user: user)
            })
        case let .extend(seats):
            return .extended(await outcome { () throws(SeatLockingError) in
                try await service.extend(seats, showtime: showtime, user: user)
            })
        case let .book(seats):
            return .booked(await outcome { () throws(SeatLockingError) in
                try await service.book(seats, showtime: showtime, user: user)
            })
        case .refresh:
            return await loadStatus()
        case let .poll(since):
            switch await outcome({ () throws(SeatLockingError) in try await service.revision(showtime: showtime) }) {
            case let .success(reading?) where reading.revision == since: return .statusUnchanged(serverTime: reading.serverTime)
            case let .failure(error): return .statusFailed(error)
            case .success: return await loadStatus()
            }
        case let .leave(seats):
            guard !seats.isEmpty else { return .left(released: [], failure: nil) }
            switch await outcome({ () throws(SeatLockingError) in try await service.unlock(seats, showtime: showtime, user: user) }) {
            case let .success(release): return .left(released: release.released, failure: nil)
            case let .failure(error): return .left(released: [], failure: error)
            }
        }
    }

    private func loadStatus() async -> SeatMapEvent {
        switch await outcome({ () throws(SeatLockingError) in try await service.status(showtime: showtime, viewer: user) }) {
        case let .success(status): return .statusLoaded(status)
        case let .failure(error): return .statusFailed(error)
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
