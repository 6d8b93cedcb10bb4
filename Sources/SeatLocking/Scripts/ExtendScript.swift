import CinebookModel
import Foundation

/// `extend`: gives the user's seats a fresh TTL, all or nothing, capped at the maximum
/// hold; a hold that ends later already keeps its expiry (an extension never shortens a hold).
/// Reply: {'ok', now, seat, expiry, token, ...} or {'not_owner' | 'expired', now, {seats}}
struct ExtendInput: ScriptInput {
    let keys: SeatKeys
    let user: String
    let seats: [SeatCode]
    let ttl: Duration
    let policy: LockPolicy

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "holdsKey": .one(keys.holds(user)), "lockKeys": .list(seats.map(keys.lock)),
                "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "user": .one(user), "ttlMs": .one(String(ttl.milliseconds)),
                "maximumHoldMs": .one(String(policy.maximumHold.milliseconds)), "channel": .one(keys.events),
                "seats": .list(seats.map(\.text)),
            ])
    }
}

/// `extend`: fresh expiries for every seat, or why not.
enum ExtendOutcome: ScriptOutcome {
    case extended(serverTime: Date, seats: [HeldSeat])
    case notOwner([SeatCode])
    case expired([SeatCode])

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .extended(serverTime: try reply.serverTime, seats: try reply.heldSeats(from: 2))
        case "not_owner": self = .notOwner(try reply.codes(at: 2))
        case "expired": self = .expired(try reply.codes(at: 2))
        default: throw reply.malformed()
        }
    }
}

extension SeatScripts {
    static let extend = SeatScript<ExtendInput, ExtendOutcome>(
        name: "extend",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "holdsKey"], list: "lockKeys", tail: ["versionKey"]),
            arguments: ScriptSlots(["showtimeID", "user", "ttlMs", "maximumHoldMs", "channel"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.keepUntil + ScriptLibrary.announce + """
            local count = #seats
            local notOwner, expired = {}, {}
            for i = 1, count do
              local owner = redis.call('HGET', lockKeys[i], 'user_id')
              if not owner then
                expired[#expired + 1] = seats[i]
              elseif owner ~= user then
                notOwner[#notOwner + 1] = seats[i]
              end
            end
            if #notOwner > 0 then return {'not_owner', now, notOwner} end
            if #expired > 0 then return {'expired', now, expired} end
            local ttl = tonumber(ttlMs)
            local maximumHold = tonumber(maximumHoldMs)
            local reply = {'ok', now}
            local extended = {}
            local latest = 0
            for i = 1, count do
              local key = lockKeys[i]
              local seat = seats[i]
              -- Never earlier than now: a hold asked for longer keeps its expiry.
              local expiry = math.max(redis.call('PEXPIRETIME', key),
                math.min(now + ttl, tonumber(redis.call('HGET', key, 'locked_at')) + maximumHold))
              redis.call('PEXPIREAT', key, expiry)
              redis.call('ZADD', indexKey, expiry, seat)
              redis.call('ZADD', holdsKey, expiry, seat)
              if expiry > latest then latest = expiry end
              extended[#extended + 1] = seat
              reply[#reply + 1] = seat
              reply[#reply + 1] = expiry
              reply[#reply + 1] = tonumber(redis.call('HGET', key, 'token'))
            end
            keepUntil(holdsKey, latest)
            announce(channel, {event = 'extended', showtime_id = tonumber(showtimeID),
              seats = extended, expires_at = latest, at = now})
            return reply
            """)
}
