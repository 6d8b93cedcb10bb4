import CinebookModel
import Foundation

/// `party_seat`: who sits where, changed in one step by a member of the party: `move` puts
/// the member in a seat the party holds (in place of whoever sat there); `swap` exchanges
/// the people in two of the party's seats.
/// Announced as a `party` event naming the seats, with no party (its code lets anyone in).
/// Reply: {'ok', now} or {'not_party_member', now} or {'not_party_seat', now, {seats}}
struct PartySeatInput: ScriptInput {
    enum Change {
        case move(into: SeatCode)
        case swap(SeatCode, SeatCode)

        var seats: [SeatCode] {
            switch self {
            case let .move(seat): [seat]
            case let .swap(first, second): [first, second]
            }
        }
    }

    let keys: SeatKeys
    let code: PartyCode
    let member: String
    let change: Change

    var values: ScriptValues {
        ScriptValues(
            keys: ["partyKey": .one(keys.party(code)), "versionKey": .one(keys.version), "lockKeys": .list(change.seats.map(keys.lock))],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events), "holder": .one(code.holder),
                "member": .one(member), "seats": .list(change.seats.map(\.text)),
            ])
    }
}

/// `party_seat`: done, or why not.
enum PartySeatOutcome: ScriptOutcome {
    case changed(serverTime: Date)
    case notMember
    /// Seats the party does not hold (now).
    case notPartySeats([SeatCode])

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .changed(serverTime: try reply.serverTime)
        case "not_party_member": self = .notMember
        case "not_party_seat": self = .notPartySeats(try reply.codes(at: 2))
        default: throw reply.malformed()
        }
    }
}

extension SeatScripts {
    static let partySeat = SeatScript<PartySeatInput, PartySeatOutcome>(
        name: "party_seat",
        layout: ScriptLayout(
            keys: ScriptSlots(["partyKey", "versionKey"], list: "lockKeys"),
            arguments: ScriptSlots(["showtimeID", "channel", "holder", "member"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.announce + """
            if redis.call('HEXISTS', partyKey, 'member:' .. member) == 0 then return {'not_party_member', now} end
            local sitters, missing = {}, {}
            for i, key in ipairs(lockKeys) do
              local lock = redis.call('HMGET', key, 'user_id', 'member')
              if lock[1] ~= holder then missing[#missing + 1] = seats[i] end
              sitters[i] = lock[2] or ''
            end
            if #missing > 0 then return {'not_party_seat', now, missing} end
            if #lockKeys == 1 then
              redis.call('HSET', lockKeys[1], 'member', member)
            else
              redis.call('HSET', lockKeys[1], 'member', sitters[2])
              redis.call('HSET', lockKeys[2], 'member', sitters[1])
            end
            announce(channel, {event = 'party', showtime_id = tonumber(showtimeID), seats = seats, at = now})
            return {'ok', now}
            """)
}
