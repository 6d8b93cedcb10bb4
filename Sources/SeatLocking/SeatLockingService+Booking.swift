import CinebookModel
import CinebookSupport
import Foundation
import SeatRecords

/// Booking spans both stores, in three steps:
/// 1. **claim** (Redis): the user holds every seat; the seats are claimed for the booking
///    until a deadline, so that nobody can lock them meanwhile;
/// 2. **commit** (database): the booking and its sold seats, or nothing when any seat is
///    sold already; from this moment the seats are sold;
/// 3. **sell** (Redis): the seats show as sold, the claims and locks go.
///
/// A booking interrupted before its commit is no booking: its claims run out at their
/// deadline and reconciliation frees the seats. One interrupted after its commit is
/// confirmed: its claims keep the seats taken until reconciliation (or the next lock on
/// one of them) marks them sold in Redis.
extension SeatLockingService {
    /// Sells the user's held seats, all or none. Booking seats the user has booked
    /// already answers with that booking, so a retry after an unanswered call is safe.
    /// With `party`, any member books the party's seats.
    public func book(_ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil) async throws(SeatLockingError) -> Booking {
        try await counted(.book, showtime: id, seats: seats, user: user) { () throws(SeatLockingError) in
            try await sell(seats, showtime: id, user: user, party: party)
        }
    }

    private func sell(_ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Booking {
        let request = try validated(seats, showtime: id, user: user, party: party)
        // For a party, who sits where; reading it refuses someone not in the party.
        let sitters = try await sitters(request)
        let now = Date()
        if !request.showtime.isOnSale(at: now) {
            // A retry of a booking made before sales closed still answers with that booking.
            if let mine = try await bookedAlready(request) { return mine }
            try request.showtime.checkOnSale(at: now)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let claimedAt: Date
        switch try await claimSeats(request) {
        case let .claimed(serverTime): claimedAt = serverTime
        case let .bookedAlready(booking): return booking
        }
        crashIfAsked(after: .claimed)
        // A commit must land well before the claim's deadline, after which reconciliation
        // may free the seats; a booking that took this long gives up instead.
        guard clock.now - started < policy.bookingWindow / 2 else {
            await abandon(request, sold: [:])
            throw .databaseUnavailable("The booking took too long to reach the database.")
        }
        let sale = Sale(showtimeID: id, user: request.user, seats: request.seats, at: claimedAt, sitters: sitters)
        let outcome: SaleOutcome
        do {
            outcome = try await database("commit") { () async throws(RecordsError) in try await records.commit(sale) }
        } catch {
            switch error {
            case let .unavailable(reason):
                await abandon(request, sold: [:])
                throw .databaseUnavailable(reason)
            case let .outcomeUnknown(reason):
                // The claims stay: they keep the seats taken until a retry or reconciliation
                // finds out what the database did.
                throw .outcomeUnknown(reason)
            case let .unusable(reason):
                await abandon(request, sold: [:])
                throw .internalError(reason)
            }
        }
        switch outcome {
        case let .booked(record):
            crashIfAsked(after: .committed)
            await markSold(record, request)
            crashIfAsked(after: .sold)
            logger.debug("booked", metadata: request.metadata(["booking_id": "\(record.id)"]))
            return record
        case let .refused(sold):
            if let mine = Self.booking(of: request, among: Array(sold.values)) {
                await abandon(request, sold: sold)
                return mine
            }
            // Redis did not know these seats were sold (it lost data, or another Redis
            // sold them): the database wins, and Redis learns of the sale now.
            logger.warning("the database refused seats Redis believed free", metadata: request.metadata(["sold": "\(sold.keys.sorted())"]))
            await abandon(request, sold: sold)
            let taken = (try? await takenSeats(showtime: id)) ?? []
            throw refusal(request.seats.filter { sold[$0] != nil }, request, taken: taken.union(sold.keys))
        }
    }

    /// Debug builds only: the crash tests kill a booking after a step; a release build
    /// has no such point.
    private func crashIfAsked(after step: BookingStep) {
        #if CINEBOOK_CRASH_POINTS
        if crashAfter == step { kill(getpid(), SIGKILL) }
        #endif
    }

    private enum Claim {
        case claimed(serverTime: Date)
        case bookedAlready(Booking)
    }

    /// Step 1. A refusal is checked against the database first: seats the user has
    /// booked already answer with that booking.
    private func claimSeats(_ request: Request) async throws(SeatLockingError) -> Claim {
        let input = ClaimInput(keys: SeatKeys(showtime: request.showtime.id), user: request.user, seats: request.seats, window: policy.bookingWindow)
        var outcome = try await claimOnce(input, request)
        if case let .taken(_, _, staleClaims) = outcome, !staleClaims.isEmpty {
            try await reconcile(showtime: request.showtime.id, repair: true)
            outcome = try await claimOnce(input, request)
        }
        switch outcome {
        case let .claimed(serverTime):
            return .claimed(serverTime: serverTime)
        case let .taken(sold, others, _):
            if !sold.isEmpty, let mine = try await bookedAlready(request) { return .bookedAlready(mine) }
            throw refused(.notLockOwner(sold + others), request)
        case let .expired(seats):
            if let mine = try await bookedAlready(request) { return .bookedAlready(mine) }
            throw refused(.lockExpired(seats), request)
        }
    }

    private func claimOnce(_ input: ClaimInput, _ request: Request) async throws(SeatLockingError) -> ClaimOutcome {
        do {
            return try await runLoaded(SeatScripts.claim, input, request, write: true)
        } catch .outcomeUnknown(let reason) {
            // Nothing is sold before the database commits, and it was not asked to.
            throw .redisUnavailable("\(reason); nothing was booked")
        }
    }

    /// The user's booking of exactly these seats or more, if the database has one.
    private func bookedAlready(_ request: Request) async throws(SeatLockingError) -> Booking? {
        let bookings: [Booking]
        do { bookings = try await database("bookings") { () async throws(RecordsError) in try await records.bookings(showtime: request.showtime.id, user: request.user) } } catch {
            throw Self.failure(error)
        }
        return Self.booking(of: request, among: bookings)
    }

    /// One of `bookings`, by the request's user, that sold every seat of the request.
    private static func booking(of request: Request, among bookings: [Booking]) -> Booking? {
        bookings.first { $0.user == request.user && Set(request.seats).isSubset(of: $0.seats) }
    }

    /// Step 3. A failure here loses nothing: the database has the booking, and the seats'
    /// claims keep them taken until reconciliation marks them sold.
    private func markSold(_ record: Booking, _ request: Request) async {
        let keys = SeatKeys(showtime: record.showtimeID)
        do {
            defer { metrics.holdsEnded(.booked, seats: record.seats.count) }
            _ = try await run(SeatScripts.sell, SellInput(keys: keys, booking: record), request, write: true)
        } catch {
            logger.warning("booked, but Redis was not told; reconciliation will", metadata: request.metadata(["error": "\(error)"]))
        }
    }

    /// Ends the request's claims, and marks `sold` seats sold in Redis (the database's word).
    private func abandon(_ request: Request, sold: [SeatCode: Booking]) async {
        do {
            try await settle(
                showtime: request.showtime.id, sell: sold.mapValues(\.id), free: [], unclaim: request.seats, complete: false, request)
        } catch {
            logger.warning("cannot end a booking's claims; they run out by themselves", metadata: request.metadata(["error": "\(error)"]))
        }
    }

    static func failure(_ error: RecordsError) -> SeatLockingError {
        switch error {
        case let .unavailable(reason), let .outcomeUnknown(reason): .databaseUnavailable(reason)
        case let .unusable(reason): .internalError(reason)
        }
    }
}

extension SeatLockingService {
    /// Bookings from the database of record, oldest first: of one showtime or all, of one
    /// user or all.
    public func bookings(showtime id: Int?, user: String?) async throws(SeatLockingError) -> [Booking] {
        if let id, catalog.showtime(id) == nil { throw .unknownShowtime(id) }
        let user = try user.map(Self.validatedUser)
        do { return try await database("bookings") { () async throws(RecordsError) in try await records.bookings(showtime: id, user: user) } } catch { throw Self.failure(error) }
    }
}

#if CINEBOOK_CRASH_POINTS
/// The steps of a booking, for the tests that kill a booking between them (debug builds).
public enum BookingStep: String, Sendable, CaseIterable {
    case claimed, committed, sold
}
#else
/// The steps of a booking.
enum BookingStep {
    case claimed, committed, sold
}
#endif
