import CinebookModel
import Foundation

/// `sell`, a booking's last step, once the database has committed the booking: the seats
/// are sold, their claims and locks go, and everybody is told.
/// Reply: {now}
struct SellInput: ScriptInput {
    let keys: SeatKeys
    let booking: Booking

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "soldKey": .one(keys.sold), "claimsKey": .one(keys.claims),
                "holdsKey": .one(keys.holds(booking.user)), "lockKeys": .list(booking.seats.map(keys.lock)),
                "startsKey": .one(keys.starts), "historyKey": .one(keys.history), "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events), "bookingID": .one(String(booking.id)),
                "user": .one(booking.user), "seats": .list(booking.seats.map(\.text)),
            ])
    }
}

/// `sell` and `settle`: applied, at this server time.
struct Applied: ScriptOutcome {
    let serverTime: Date

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
    }
}

extension SeatScripts {
    static let sell = SeatScript<SellInput, Applied>(
        name: "sell",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "soldKey", "claimsKey", "holdsKey"], list: "lockKeys", tail: ["startsKey", "historyKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "channel", "bookingID", "user"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.announce + ScriptLibrary.history + """
            for i, seat in ipairs(seats) do
              redis.call('HSET', soldKey, seat, bookingID)
              redis.call('DEL', lockKeys[i])
            end
            redis.call('HDEL', claimsKey, unpack(seats))
            redis.call('ZREM', indexKey, unpack(seats))
            redis.call('ZREM', holdsKey, unpack(seats))
            remember('booked', seats, user, now, heldSince(seats))
            announce(channel, {event = 'booked', showtime_id = tonumber(showtimeID),
              seats = seats, booking_id = tonumber(bookingID), at = now})
            return {now}
            """)
}
