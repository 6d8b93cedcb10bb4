import CinebookModel
import Foundation

/// `revision`: what `status` would name its revision, without the seats.
/// Reply: {now, version, earliest expiry of a live lock or a mark of presence (0 without)}
///     or {'not_loaded', now}
struct RevisionInput: ScriptInput {
    let keys: SeatKeys

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "loadedKey": .one(keys.loaded), "versionKey": .one(keys.version),
                "presenceKey": .one(keys.presence),
            ],
            arguments: [:])
    }
}

/// `revision`: the map's revision now, or that Redis must first load the showtime.
enum RevisionOutcome: ScriptOutcome {
    case current(ShowtimeRevision, serverTime: Date)
    case notLoaded

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        guard !reply.isNotLoaded else {
            self = .notLoaded
            return
        }
        self = .current(
            ShowtimeRevision(version: try reply.integer(at: 1), nextExpiry: try reply.integer(at: 2)), serverTime: try reply.time(at: 0))
    }
}

extension SeatScripts {
    static let revision = SeatScript<RevisionInput, RevisionOutcome>(
        name: "revision",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "loadedKey", "versionKey", "presenceKey"])),
        body: ScriptLibrary.now + ScriptLibrary.requireLoaded + """
            local earliest = 0
            for _, key in ipairs({indexKey, presenceKey}) do
              local first = redis.call('ZRANGEBYSCORE', key, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
              local at = tonumber(first[2] or '0')
              if at > 0 and (earliest == 0 or at < earliest) then earliest = at end
            end
            return {now, tonumber(redis.call('GET', versionKey) or '0'), earliest}
            """)
}
