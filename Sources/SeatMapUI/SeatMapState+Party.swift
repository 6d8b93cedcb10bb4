import CinebookModel
import Foundation

/// The party the map's user chooses with: its code, and the party as last seen.
public struct PartySeats: Sendable, Hashable {
    public let code: PartyCode
    /// Who is in it, and who sits where, as last looked at.
    public internal(set) var latest: Party
    /// A look is under way; `lookAgain`: another was asked for meanwhile.
    var looking = false
    var lookAgain = false

    init(_ party: Party) {
        code = party.code
        latest = party
    }
}

/// Choosing together: every seat of the party shows as the party's, with who sits in it;
/// `t` starts a party, Space on a party mate's seat sits the user there, `s` swaps two
/// party seats. The holds are the party's: any member's keys extend them.
extension SeatMapState {
    /// The party the seat operations act for.
    public var partyCode: PartyCode? { party?.code }

    /// Who sits in one of the party's seats: the member the party names, or this user for
    /// a seat locked here that the party has not shown yet; nil for a seat not the party's.
    public func sitter(of code: SeatCode) -> String? {
        guard let party, holds.ends[code] != nil || pending[code] == .locking else { return nil }
        if let sitter = party.latest.seats[code], !sitter.isEmpty { return sitter }
        return user
    }

    /// The party's seats that other members sit in.
    public var partyMatesSeats: [SeatCode] {
        party == nil ? [] : inLayoutOrder(holds.ends.keys.filter(isPartyMates))
    }

    /// One of the party's seats, with another member in it.
    public func isPartyMates(_ code: SeatCode) -> Bool {
        sitter(of: code).map { $0 != user } ?? false
    }

    /// Whom the held seats are booked for: the party, or the user.
    var holderName: String { party.map { "party \($0.code)" } ?? user }

    /// Friends type this to join.
    private func joinHint(_ code: PartyCode) -> String { "friends join with: cinebook seats --party \(code)" }

    // MARK: Keys

    /// `t`: starts a party (before any seat is picked), or, in one, says its code and who is in it.
    mutating func partyKey() -> [SeatMapEffect] {
        if let party {
            message = Message(text: "Party \(party.code) · \(party.latest.memberNames) · \(joinHint(party.code)).", kind: .info)
            return []
        }
        guard !partyStarting else { return [] }
        guard holds.ends.isEmpty, pending.isEmpty else {
            message = Message(text: "Start the party before picking seats: release yours first (Space), or book them (b).", kind: .warning)
            return []
        }
        guard link.reachable != false else { return refusedWhileUnreachable("no party can be started now") }
        partyStarting = true
        message = Message(text: "Starting a party…", kind: .info)
        return [.party(.start)]
    }

    /// Space on a seat a party mate sits in: the user sits there instead, in one step.
    mutating func sit(in code: SeatCode) -> [SeatMapEffect] {
        guard link.reachable != false else { return refusedWhileUnreachable("nobody can change seats now") }
        message = Message(text: "Moving you to \(code)…", kind: .info)
        return [.party(.sit(code))]
    }

    /// `s` on a party seat picks it; `s` on another party seat swaps the two.
    mutating func swapKey() -> [SeatMapEffect] {
        let code = cursor.code
        guard party != nil, sitter(of: code) != nil, pending[code] == nil else {
            message = Message(
                text: party == nil ? "s swaps seats within a party; t starts one." : "Put the cursor on one of your party's seats to swap it.",
                kind: .info)
            return []
        }
        mode = .swapping(from: code)
        return []
    }

    /// While swapping: moving looks for the second seat, `s` swaps, anything else cancels.
    mutating func whileSwapping(_ key: Key, from first: SeatCode) -> [SeatMapEffect] {
        guard key == .character("s") else {
            mode = .browsing
            message = Message(text: "Swap cancelled.", kind: .info)
            return []
        }
        let second = cursor.code
        guard second != first, sitter(of: second) != nil, pending[second] == nil else {
            message = Message(text: "Choose another of your party's seats to swap \(first) with.", kind: .info)
            return []
        }
        mode = .browsing
        guard link.reachable != false else { return refusedWhileUnreachable("nobody can change seats now") }
        message = Message(text: "Swapping \(first) and \(second)…", kind: .info)
        return [.party(.swap(first, second))]
    }

    // MARK: Looking

    /// Looks at the party again (one look at a time): after each status, and whenever a
    /// party's members or seats changed.
    mutating func lookAtParty() -> [SeatMapEffect] {
        guard party != nil else { return [] }
        if party!.looking {
            party!.lookAgain = true
            return []
        }
        party!.looking = true
        return [.party(.look)]
    }

    mutating func partyAnswered(_ ask: PartyAsk, _ result: Result<Party, SeatLockingError>) -> [SeatMapEffect] {
        switch (ask, result) {
        case let (.start, .success(started)):
            partyStarting = false
            party = PartySeats(started)
            message = Message(text: "Party \(started.code) started: \(joinHint(started.code)).", kind: .success)
            return requestRefresh()
        case let (.start, .failure(error)):
            partyStarting = false
            return error.isOutage ? outage(saying: "\(settings.source.title) is unreachable: no party was started.") : refused(error)
        case let (_, .success(seen)):
            party?.latest = seen
            reachable(serverTime: seen.serverTime)
            switch ask {
            case let .sit(seat): message = Message(text: "You sit in \(seat) now.", kind: .success)
            case let .swap(first, second):
                let seating = Party.seating(of: inLayoutOrder([first, second]), sitters: seen.seats) ?? "\(first) and \(second)"
                message = Message(text: "Swapped: \(seating).", kind: .success)
            case .start, .look: break
            }
            return lookedAgainIfAsked(ask)
        case let (_, .failure(error)):
            let effects = lookedAgainIfAsked(ask)
            switch error {
            case let .party(refusal) where refusal.isFinal:
                return leftParty(because: refusal)
            case _ where error.isOutage:
                // A look fails quietly: the status reload says that the source is gone.
                return ask == .look ? effects : outage(saying: "\(settings.source.title) is unreachable: nobody changed seats.")
            default:
                return ask == .look ? effects : effects + refused(error)
            }
        }
    }

    /// A look answered: the next, if one was asked for meanwhile.
    private mutating func lookedAgainIfAsked(_ ask: PartyAsk) -> [SeatMapEffect] {
        guard ask == .look, party != nil else { return [] }
        party!.looking = false
        guard party!.lookAgain else { return [] }
        party!.lookAgain = false
        return lookAtParty()
    }

    /// The party is gone for this user (it ended, or they were no longer counted in it):
    /// the map goes on for them alone.
    private mutating func leftParty(because refusal: PartyRefusal) -> [SeatMapEffect] {
        let code = party?.code
        party = nil
        mode = .browsing
        // The party's seats are not this user's to hold or extend any more.
        for held in Array(holds.ends.keys) { holdOver(held, shown: .locked) }
        holds.stopExtending()
        message = Message(
            text: "You are no longer in party \(code.map(\.text) ?? ""): \(SeatLockingError.party(refusal).message) Seats you pick now are yours alone.",
            kind: .warning)
        return requestRefresh()
    }
}

extension PartyRefusal {
    /// The party cannot be acted for any more by this member.
    var isFinal: Bool {
        switch self {
        case .ended, .notMember, .notFound: true
        case .full, .otherShowtime: false
        }
    }
}
