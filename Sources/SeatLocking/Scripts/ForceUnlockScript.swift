import CinebookModel
import Foundation

/// `force_unlock`: an operator ends holds whoever has them. Each seat whose lock still
/// carries the token the operator saw (so a hold taken since is left alone) is released, as
/// its holder's own release would be, into the history and to every map.
/// `heldKeys` is, per seat, its lock key and its holder's holds; `seatsAndTokens`, per
/// seat, its code and the token seen.
/// Reply: {now, {released seats}}
struct ForceUnlockInput: ScriptInput {
    struct Hold: Sendable {
        let seat: SeatCode
        let user: String
        let token: Int64
    }

    let keys: SeatKeys
    let holds: [Hold]

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "heldKeys": .list(holds.flatMap { [keys.lock($0.seat), keys.holds($0.user)] }),
                "startsKey": .one(keys.starts), "historyKey": .one(keys.history), "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events),
                "seatsAndTokens": .list(holds.flatMap { [$0.seat.text, String($0.token)] }),
            ])
    }
}

/// `force_unlock`: the seats released.
struct ForceUnlockOutcome: ScriptOutcome {
    let serverTime: Date
    let released: Set<SeatCode>

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        released = Set(try reply.codes(at: 1))
    }
}

extension SeatScripts {
    static let forceUnlock = SeatScript<ForceUnlockInput, ForceUnlockOutcome>(
        name: "force_unlock",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey"], list: "heldKeys", tail: ["startsKey", "historyKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "channel"], list: "seatsAndTokens")),
        body: ScriptLibrary.now + ScriptLibrary.announce + ScriptLibrary.history + """
            local released = {}
            for i = 1, #heldKeys / 2 do
              local seatLock, holderHolds = heldKeys[2 * i - 1], heldKeys[2 * i]
              local seat, token = seatsAndTokens[2 * i - 1], seatsAndTokens[2 * i]
              local lock = redis.call('HMGET', seatLock, 'user_id', 'locked_at', 'token')
              if lock[1] and lock[3] == token then
                redis.call('DEL', seatLock)
                redis.call('ZREM', indexKey, seat)
                redis.call('ZREM', holderHolds, seat)
                released[#released + 1] = seat
                remember('released', {seat}, lock[1], now, tonumber(lock[2]))
              end
            end
            if #released > 0 then
              announce(channel, {event = 'released', showtime_id = tonumber(showtimeID), seats = released, at = now})
            end
            return {now, released}
            """)
}
