import CinebookModel
import CinebookSupport
import Foundation
import Logging
import SeatRecords

/// A request that passed validation: a known showtime, a valid user and canonical seats.
struct Request: Sendable {
    let showtime: Showtime
    /// Whose hold it is: the person's, or their party's (`PartyCode.holder`).
    let user: String
    let seats: [SeatCode]
    /// For a party's member: the party, and the member acting.
    var party: Membership? = nil

    struct Membership: Sendable {
        let code: PartyCode
        let member: String
    }

    func metadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["showtime": "\(showtime.id)", "user": "\(user)", "seats": "\(seats.map(\.text).joined(separator: ","))"]
        metadata.merge(extra) { _, new in new }
        return metadata
    }
}

extension SeatLockingService {
    /// Checks a request before it reaches Redis: user, showtime, and 1 to the per-user
    /// limit of distinct seats of that showtime.
    /// With `party`, the user acts as a member of it, for the party's hold.
    func validated(_ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil) throws(SeatLockingError) -> Request {
        let user = try Self.validatedUser(user)
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        guard !seats.isEmpty else { throw .invalidRequest("Name at least one seat, like C7.") }
        return Request(
            showtime: showtime, user: party.map(\.holder) ?? user, seats: try checkedSeats(seats, of: showtime),
            party: party.map { Request.Membership(code: $0, member: user) })
    }

    /// Checks seats for a showtime: no duplicates, at most the per-user limit, all seats of
    /// the showtime.
    func checkedSeats(_ seats: [SeatCode], of showtime: Showtime) throws(SeatLockingError) -> [SeatCode] {
        try SeatCode.checkDistinct(seats)
        guard seats.count <= policy.maximumSeatsPerUser else {
            throw .tooManySeats(requested: seats.count, alreadyHeld: 0, limit: policy.maximumSeatsPerUser)
        }
        let unknown = seats.filter { showtime.layout.seat($0) == nil }
        guard unknown.isEmpty else { throw .unknownSeats(unknown, showtime: showtime.id) }
        return seats
    }

    /// A user id is 1–64 printable characters (surrounding spaces are dropped), in Unicode
    /// normal form C: `é` typed as one character or as `e` and an accent is one user. Every
    /// name that enters (the command line, a token, the seat map) comes through here.
    public static func validatedUser(_ user: String) throws(SeatLockingError) -> String {
        let trimmed = user.trimmingSpaces.precomposedStringWithCanonicalMapping
        guard !trimmed.isEmpty else { throw .invalidRequest("A user name is required.") }
        guard trimmed.count <= LockPolicy.maximumUserLength else {
            throw .invalidRequest("The user name is \(trimmed.count) characters long; at most \(LockPolicy.maximumUserLength) are allowed.")
        }
        guard !trimmed.unicodeScalars.contains(where: \.isInvisible) else {
            throw .invalidRequest("The user name contains control or invisible characters.")
        }
        for (prefix, whose) in [(PartyCode.holderPrefix, "parties'"), (HouseLabel.holderPrefix, "the house's")]
        where trimmed.lowercased().hasPrefix(prefix) {
            throw .invalidRequest("User names beginning with \"\(prefix)\" name \(whose) holds; choose another name.")
        }
        return trimmed
    }

    /// A lock's or an extension's request: valid seats of a showtime on sale, and the TTL.
    func holdRequest(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil, ttl: Duration?
    ) throws(SeatLockingError) -> (request: Request, ttl: Duration) {
        let request = try validated(seats, showtime: id, user: user, party: party)
        try request.showtime.checkOnSale(at: Date())
        return (request, try validatedTTL(ttl))
    }

    private func validatedTTL(_ ttl: Duration?) throws(SeatLockingError) -> Duration {
        guard let ttl else { return policy.ttl }
        guard ttl >= .seconds(1), ttl <= policy.maximumHold else {
            throw .invalidRequest("A TTL must be from 1 to \(policy.maximumHold.components.seconds) seconds.")
        }
        return ttl
    }
}
