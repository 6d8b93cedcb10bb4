import CinebookModel
import Foundation

/// `unlock`: releases the seats this user holds; others' locks are left alone. Strict
/// (`strict` is '1'): if any seat is sold or held by someone else, nothing is released.
/// Reply: {now, {released seats}} or {now, {}, {seats sold or held by others}}
struct UnlockInput: ScriptInput {
    let keys: SeatKeys
    let user: String
    let seats: [SeatCode]
    let strict: Bool

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "holdsKey": .one(keys.holds(user)), "soldKey": .one(keys.sold),
                "lockKeys": .list(seats.map(keys.lock)),
                "startsKey": .one(keys.starts), "historyKey": .one(keys.history), "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "user": .one(user), "channel": .one(keys.events),
                "strict": .one(strict ? "1" : "0"), "seats": .list(seats.map(\.text)),
            ])
    }
}

/// `unlock`: the seats released, or (strict) the seats that stopped it.
struct UnlockOutcome: ScriptOutcome {
    let serverTime: Date
    let released: [SeatCode]
    /// Sold or held by others; only a strict release names them, and then released nothing.
    let heldByOthers: [SeatCode]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        released = try reply.codes(at: 1)
        heldByOthers = reply.count > 2 ? try reply.codes(at: 2) : []
    }
}

extension SeatScripts {
    static let unlock = SeatScript<UnlockInput, UnlockOutcome>(
        name: "unlock",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "holdsKey", "soldKey"], list: "lockKeys", tail: ["startsKey", "historyKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "user", "channel", "strict"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.announce + ScriptLibrary.history + """
            local count = #seats
            local owners = {}
            local started = {}
            local others = {}
            for i = 1, count do
              local lock = redis.call('HMGET', lockKeys[i], 'user_id', 'locked_at')
              owners[i] = lock[1]
              started[i] = tonumber(lock[2])
              if strict == '1' and ((owners[i] and owners[i] ~= user) or redis.call('HEXISTS', soldKey, seats[i]) == 1) then
                others[#others + 1] = seats[i]
              end
            end
            if #others > 0 then return {now, {}, others} end
            local released = {}
            local since = false
            for i = 1, count do
              if owners[i] == user then
                redis.call('DEL', lockKeys[i])
                released[#released + 1] = seats[i]
                if started[i] and (not since or started[i] < since) then since = started[i] end
              end
            end
            if #released > 0 then
              redis.call('ZREM', indexKey, unpack(released))
              redis.call('ZREM', holdsKey, unpack(released))
              remember('released', released, user, now, since)
              announce(channel, {event = 'released', showtime_id = tonumber(showtimeID), seats = released, at = now})
            end
            return {now, released}
            """)
}
