import CinebookModel
import SeatRecords

extension SeatLockingService {
    /// Up to `limit` ranked offers of `wish.count` free seats, from one status round trip.
    /// The viewer's own seats count as taken: the offers are seats to add.
    public func best(
        _ wish: SeatWish, showtime id: Int, viewer: String? = nil, party: PartyCode? = nil, limit: Int = 3
    ) async throws(SeatLockingError) -> BestAvailable {
        try validated(wish, showtime: id)
        let status = try await status(showtime: id, viewer: viewer, party: party)
        let offers = BestSeats(status).offers(for: wish, limit: limit)
        return BestAvailable(showtimeID: id, wish: wish, offers: offers)
    }

    /// Locks the best set for the user: the best offers of one read of the hall go to one
    /// lock script, which holds the first still free, so that the party never loses a
    /// race to its own retries. Only when every offer went between the read and the lock
    /// does it look again (`inRounds`); with no offer left it answers `seatsUnavailable`
    /// with no seats and no suggestions. A grant of other than the best offer names the
    /// best as replaced.
    public func lockBest(
        _ wish: SeatWish, showtime id: Int, user: String, party: PartyCode? = nil, ttl: Duration? = nil, pass: String? = nil
    ) async throws(SeatLockingError) -> LockGrant {
        try await counted(.lock, showtime: id, seats: [], user: user) { () throws(SeatLockingError) in
            do throws(SeatLockingError) {
                return try await inRounds { () throws(SeatLockingError) in
                    try await grantBest(wish, showtime: id, user: user, party: party, ttl: ttl, pass: pass)
                }
            } catch {
                // No seat was asked for by name: the refusal names none.
                guard case let .seatsUnavailable(_, suggestions) = error else { throw error }
                throw .seatsUnavailable([], suggestions: suggestions)
            }
        }
    }

    private func grantBest(
        _ wish: SeatWish, showtime id: Int, user: String, party: PartyCode?, ttl: Duration?, pass: String?
    ) async throws(SeatLockingError) -> LockGrant {
        let offers = try await best(wish, showtime: id, viewer: user, party: party, limit: Self.blocksPerCall).offers.map(\.codes)
        guard let first = offers.first else { throw .seatsUnavailable([], suggestions: []) }
        let (request, ttl) = try holdRequest(first, showtime: id, user: user, party: party, ttl: ttl)
        return try await grantFirstFree(of: offers, request, ttl: ttl, pass: pass)
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
