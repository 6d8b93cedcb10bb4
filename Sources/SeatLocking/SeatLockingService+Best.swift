import CinebookModel
import SeatRecords

extension SeatLockingService {
    /// Up to `limit` ranked offers of `wish.count` free seats, from one status round trip.
    /// The viewer's own seats count as taken: the offers are seats to add.
    public func best(
        _ wish: SeatWish, showtime id: Int, viewer: String? = nil, limit: Int = 3
    ) async throws(SeatLockingError) -> BestAvailable {
        try validated(wish, showtime: id)
        let status = try await status(showtime: id, viewer: viewer)
        let taken = Set(status.seats.filter { $0.state != .available }.map(\.seat.code))
        let offers = BestSeats(layout: status.showtime.layout, unavailable: taken).offers(for: wish, limit: limit)
        return BestAvailable(showtimeID: id, wish: wish, offers: offers)
    }

    /// Locks the best set for the user: the first offer that is still free when the lock
    /// script runs (each try all or nothing). When all offers of one status are gone it
    /// looks again, up to `rounds` times; with no offer left it answers
    /// `seatsUnavailable` with no suggestions.
    public func lockBest(
        _ wish: SeatWish, showtime id: Int, user: String, ttl: Duration? = nil, rounds: Int = 3
    ) async throws(SeatLockingError) -> LockGrant {
        try await withinTimeout { () async throws(SeatLockingError) in
            try await lockFirstFreeOffer(wish, showtime: id, user: user, ttl: ttl, rounds: rounds)
        }
    }

    private func lockFirstFreeOffer(
        _ wish: SeatWish, showtime id: Int, user: String, ttl: Duration?, rounds: Int
    ) async throws(SeatLockingError) -> LockGrant {
        for _ in 0..<max(1, rounds) {
            let found = try await best(wish, showtime: id, viewer: user)
            guard !found.offers.isEmpty else { break }
            for offer in found.offers {
                do {
                    return try await lock(offer.codes, showtime: id, user: user, ttl: ttl)
                } catch .seatsUnavailable(let seats, _) {
                    logger.debug("best offer taken meanwhile", metadata: ["showtime": "\(id)", "seats": "\(seats)"])
                }
            }
        }
        throw .seatsUnavailable([], suggestions: [])
    }

    /// A wish from what a person asked: `near` are seats of the showtime, checked as every
    /// seat list is.
    public func wish(
        count: Int, near: [SeatCode] = [], category: SeatCategory? = nil, wheelchair: Bool = false, showtime id: Int
    ) throws(SeatLockingError) -> SeatWish {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let seats = try checkedSeats(near, of: showtime).compactMap(showtime.layout.seat)
        let wish = SeatWish(count: count, near: seats, category: category, wheelchair: wheelchair)
        try validated(wish, showtime: id)
        return wish
    }

    private func validated(_ wish: SeatWish, showtime id: Int) throws(SeatLockingError) {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        guard (1...policy.maximumSeatsPerUser).contains(wish.count) else {
            throw .invalidRequest("Ask for 1 to \(policy.maximumSeatsPerUser) seats, not \(wish.count).")
        }
    }
}
