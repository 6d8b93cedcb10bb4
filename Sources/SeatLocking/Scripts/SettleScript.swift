import CinebookModel
import Foundation

/// `settle`: makes Redis agree with the database. It sells seats the database sold (ending
/// their locks and claims), frees seats Redis believes sold without a booking, and ends
/// claims whose booking never committed. With `complete`, the sold seats are now exactly the
/// database's, and the showtime's marker says so.
/// `seatLists` is the seats to sell, their booking ids, the seats to free, then the seats
/// whose claims end; `selling` and `freeing` say how many of the first and the third.
/// Reply: {now} (`Applied`)
struct SettleInput: ScriptInput {
    let keys: SeatKeys
    /// Seats the database sold, with their booking ids.
    let sell: [SeatCode: Int64]
    /// Seats Redis believes sold that the database never sold.
    let free: [SeatCode]
    /// Seats whose booking claims end.
    let unclaim: [SeatCode]
    /// `sell` is every seat the database has sold.
    let complete: Bool

    var values: ScriptValues {
        let selling = sell.keys.sorted()
        return ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "soldKey": .one(keys.sold), "claimsKey": .one(keys.claims),
                "loadedKey": .one(keys.loaded), "lockKeys": .list(selling.map(keys.lock)), "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events), "complete": .one(complete ? "1" : "0"),
                "selling": .one(String(selling.count)), "freeing": .one(String(free.count)),
                "seatLists": .list(selling.map(\.text) + selling.map { String(sell[$0]!) } + (free + unclaim).map(\.text)),
            ])
    }
}

extension SeatScripts {
    static let settle = SeatScript<SettleInput, Applied>(
        name: "settle",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "soldKey", "claimsKey", "loadedKey"], list: "lockKeys", tail: ["versionKey"]),
            arguments: ScriptSlots(["showtimeID", "channel", "complete", "selling", "freeing"], list: "seatLists")),
        body: ScriptLibrary.now + ScriptLibrary.marker + ScriptLibrary.announce + """
            local sellCount, freeCount = tonumber(selling), tonumber(freeing)
            local sold, freed = {}, {}
            for i = 1, sellCount do
              local seat = seatLists[i]
              local id = seatLists[sellCount + i]
              local before = redis.call('HGET', soldKey, seat)
              redis.call('HSET', soldKey, seat, id)
              local changed = redis.call('HDEL', claimsKey, seat) + redis.call('DEL', lockKeys[i]) + redis.call('ZREM', indexKey, seat)
              if changed > 0 or before ~= id then sold[#sold + 1] = seat end
            end
            local base = 2 * sellCount
            for i = base + 1, base + freeCount do
              redis.call('HDEL', soldKey, seatLists[i])
              freed[#freed + 1] = seatLists[i]
            end
            for i = base + freeCount + 1, #seatLists do
              if redis.call('HDEL', claimsKey, seatLists[i]) == 1 then freed[#freed + 1] = seatLists[i] end
            end
            -- The marker's time is the epoch of the showtime's holds: it changes only when this
            -- node had not loaded the showtime, not when a second process restores the same seats.
            if complete == '1' and not loadedEpoch(loadedKey) then redis.call('SET', loadedKey, now .. '|' .. thisNode()) end
            if #sold > 0 then
              announce(channel, {event = 'booked', showtime_id = tonumber(showtimeID), seats = sold, at = now})
            end
            if #freed > 0 then
              announce(channel, {event = 'released', showtime_id = tonumber(showtimeID), seats = freed, at = now})
            end
            return {now}
            """)
}
