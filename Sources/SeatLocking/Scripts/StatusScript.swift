import CinebookModel
import Foundation

/// `status`: every sold (or claimed) and live-locked seat, and which of the locks are the
/// viewer's. A seat counts as the viewer's only while its lock key says so: a lock that
/// vanished early (an eviction, a `PEXPIRE` by hand) leaves a stale entry in the viewer's
/// holds, and the seat may be someone else's since. Those lock keys are the only keys not
/// in KEYS (which seats they are is known only here): named from `lockPrefix`, they share
/// the showtime's hash tag, and so its slot.
/// Reply: {now, {sold and claimed seats}, {seat, expiry, ...} locked, {seat, expiry, ...} the viewer's,
///         version, {seat, expiry, ...} being chosen by others}
///     or {'not_loaded', now}
struct StatusInput: ScriptInput {
    let keys: SeatKeys
    /// Whose holds are `mine`: a person, or a party; empty for nobody in particular.
    let viewer: String
    /// Whose own marks of presence are left out: the person looking (a party's member).
    let chooser: String

    init(keys: SeatKeys, viewer: String, chooser: String? = nil) {
        self.keys = keys
        self.viewer = viewer
        self.chooser = chooser ?? viewer
    }

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "soldKey": .one(keys.sold), "holdsKey": .one(keys.holds(viewer)),
                "claimsKey": .one(keys.claims), "loadedKey": .one(keys.loaded), "versionKey": .one(keys.version),
                "presenceKey": .one(keys.presence),
            ],
            arguments: ["lockPrefix": .one(keys.lockPrefix), "viewer": .one(viewer), "chooser": .one(chooser)])
    }
}

/// `status`: what is taken, and which holds are the viewer's.
struct StatusOutcome: ScriptOutcome {
    let serverTime: Date
    /// Sold and claimed seats.
    let taken: Set<SeatCode>
    /// Every live lock's expiry.
    let locked: [SeatCode: Date]
    /// The viewer's live locks' expiries.
    let mine: [SeatCode: Date]
    let version: Int64
    /// Seats others are choosing, until when (the latest mark of each).
    let choosing: [SeatCode: Date]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        taken = Set(try reply.codes(at: 1))
        locked = try reply.expiries(at: 2)
        mine = try reply.expiries(at: 3)
        version = try reply.integer(at: 4)
        choosing = try reply.expiries(at: 5)
    }
}

extension SeatScripts {
    static let status = SeatScript<StatusInput, StatusOutcome>(
        name: "status",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "soldKey", "holdsKey", "claimsKey", "loadedKey", "versionKey", "presenceKey"]),
            arguments: ScriptSlots(["lockPrefix", "viewer", "chooser"])),
        body: ScriptLibrary.now + ScriptLibrary.requireLoaded + """
            local live = '(' .. now
            local taken = redis.call('HKEYS', soldKey)
            for _, seat in ipairs(redis.call('HKEYS', claimsKey)) do taken[#taken + 1] = seat end
            local mine = {}
            local held = redis.call('ZRANGEBYSCORE', holdsKey, live, '+inf', 'WITHSCORES')
            for i = 1, #held, 2 do
              if redis.call('HGET', lockPrefix .. held[i], 'user_id') == viewer then
                mine[#mine + 1] = held[i]
                mine[#mine + 1] = held[i + 1]
              end
            end
            local choosing = {}
            local marks = redis.call('ZRANGEBYSCORE', presenceKey, live, '+inf', 'WITHSCORES')
            for i = 1, #marks, 2 do
              local seat, who = string.match(marks[i], '^([^|]+)|(.*)$')
              if seat and who ~= chooser then
                choosing[#choosing + 1] = seat
                choosing[#choosing + 1] = marks[i + 1]
              end
            end
            return {now, taken, redis.call('ZRANGEBYSCORE', indexKey, live, '+inf', 'WITHSCORES'), mine,
              tonumber(redis.call('GET', versionKey) or '0'), choosing}
            """)
}
