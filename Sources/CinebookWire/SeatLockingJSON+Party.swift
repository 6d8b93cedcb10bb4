import CinebookModel
import Foundation

extension SeatLockingJSON {
    /// A party as its members see it: who is in it, and who sits where; `party` reads it back.
    public struct Party: Codable, Sendable {
        private(set) var ok = true
        let code: String
        let showtimeID: Int
        let startedBy: String
        let members: [Member]
        /// Seat → the member who sits in it.
        let seats: [String: String]
        let holdExpiresAt: String?
        let serverTime: String

        struct Member: Codable, Sendable {
            let name: String
            let joinedAt: String
            let seats: [SeatCode]
        }

        public init(_ party: CinebookModel.Party) {
            code = party.code.text
            showtimeID = party.showtimeID
            startedBy = party.startedBy
            members = party.members.map { Member(name: $0.name, joinedAt: SeatLockingJSON.timestamp($0.joinedAt), seats: $0.seats) }
            seats = SeatLockingJSON.sitters(party.seats) ?? [:]
            holdExpiresAt = party.holdExpiresAt.map(SeatLockingJSON.timestamp)
            serverTime = SeatLockingJSON.timestamp(party.serverTime)
        }

        public var party: CinebookModel.Party? {
            guard let code = PartyCode(code), let now = SeatLockingJSON.date(fromTimestamp: serverTime) else { return nil }
            return CinebookModel.Party(
                code: code, showtimeID: showtimeID, startedBy: startedBy,
                members: members.map {
                    .init(name: $0.name, joinedAt: SeatLockingJSON.date(fromTimestamp: $0.joinedAt) ?? now, seats: $0.seats)
                },
                seats: SeatLockingJSON.sitters(seats), holdExpiresAt: holdExpiresAt.flatMap(SeatLockingJSON.date(fromTimestamp:)), serverTime: now)
        }
    }

    /// What leaving a party did: the seats given back, and the party left behind (none once
    /// it ended).
    public struct PartyDeparture: Codable, Sendable {
        private(set) var ok = true
        let released: [SeatCode]
        let party: Party?

        public init(_ departure: CinebookModel.PartyDeparture) {
            released = departure.released
            party = departure.party.map(Party.init)
        }

        /// Nil when the party it names cannot be read back.
        public var departure: CinebookModel.PartyDeparture? {
            guard let party else { return CinebookModel.PartyDeparture(released: released, party: nil) }
            return party.party.map { CinebookModel.PartyDeparture(released: released, party: $0) }
        }
    }
}
