import CinebookModel
import Foundation

/// `sweep`: drops index entries of expired locks, at most `batch`, and announces them. Each
/// expired hold goes into the history at its expiry.
/// Reply: {now, {expired seats}}
struct SweepInput: ScriptInput {
    let keys: SeatKeys
    let batch: Int

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "startsKey": .one(keys.starts), "historyKey": .one(keys.history),
                "versionKey": .one(keys.version),
            ],
            arguments: ["showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events), "batch": .one(String(batch))])
    }
}

/// `sweep`: the seats whose holds it found expired.
struct SweepOutcome: ScriptOutcome {
    let expired: [SeatCode]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        expired = try reply.codes(at: 1)
    }
}

extension SeatScripts {
    static let sweep = SeatScript<SweepInput, SweepOutcome>(
        name: "sweep",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "startsKey", "historyKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "channel", "batch"])),
        body: ScriptLibrary.now + ScriptLibrary.announce + ScriptLibrary.history + """
            local found = redis.call('ZRANGEBYSCORE', indexKey, '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(batch))
            local expired = {}
            for i = 1, #found, 2 do
              expired[#expired + 1] = found[i]
              remember('expired', {found[i]}, false, tonumber(found[i + 1]), heldSince({found[i]}))
            end
            if #expired > 0 then
              redis.call('ZREM', indexKey, unpack(expired))
              announce(channel, {event = 'expired', showtime_id = tonumber(showtimeID), seats = expired, at = now})
            end
            return {now, expired}
            """)
}
