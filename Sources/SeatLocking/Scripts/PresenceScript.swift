import CinebookModel
import Foundation

/// `presence`: marks the seats a user is choosing now, replacing their earlier marks, for
/// a few seconds; at most `cap` seats. No seat is locked and nothing is refused: it is a
/// hint for the other maps, announced on the showtime's channel.
/// Reply: {now, {seats marked}, expiry}
struct PresenceInput: ScriptInput {
    let keys: SeatKeys
    let user: String
    let seats: [SeatCode]
    let lifetime: Duration
    let cap: Int

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "presenceKey": .one(keys.presence), "userPresenceKey": .one(keys.presence(of: user)), "versionKey": .one(keys.version),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "user": .one(user), "lifetimeMs": .one(String(lifetime.milliseconds)),
                "cap": .one(String(cap)), "channel": .one(keys.events), "seats": .list(seats.map(\.text)),
            ])
    }
}

/// `presence`: which seats are marked, until when.
struct PresenceOutcome: ScriptOutcome {
    let serverTime: Date
    let marked: [SeatCode]
    let expiresAt: Date

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        marked = try reply.codes(at: 1)
        expiresAt = try reply.time(at: 2)
    }
}

extension SeatScripts {
    static let presence = SeatScript<PresenceInput, PresenceOutcome>(
        name: "presence",
        layout: ScriptLayout(
            keys: ScriptSlots(["presenceKey", "userPresenceKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "user", "lifetimeMs", "cap", "channel"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.keepUntil + ScriptLibrary.announce + """
            local lifetime = tonumber(lifetimeMs)
            local expiry = now + lifetime
            local cleared = {}
            local previous = redis.call('GET', userPresenceKey)
            if previous then
              for seat in string.gmatch(previous, '%S+') do
                redis.call('ZREM', presenceKey, seat .. '|' .. user)
                cleared[#cleared + 1] = seat
              end
            end
            redis.call('ZREMRANGEBYSCORE', presenceKey, '-inf', now)
            local marked = {}
            for i = 1, math.min(#seats, tonumber(cap)) do
              redis.call('ZADD', presenceKey, expiry, seats[i] .. '|' .. user)
              marked[#marked + 1] = seats[i]
            end
            if #marked > 0 then
              redis.call('SET', userPresenceKey, table.concat(marked, ' '), 'PX', lifetime)
              keepUntil(presenceKey, expiry)
            else
              redis.call('DEL', userPresenceKey)
            end
            if #marked > 0 or #cleared > 0 then
              announce(channel, {event = 'choosing', showtime_id = tonumber(showtimeID), seats = marked,
                expires_at = expiry, at = now})
            end
            return {now, marked, expiry}
            """)
}
