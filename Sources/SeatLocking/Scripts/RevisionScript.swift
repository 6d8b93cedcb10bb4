import CinebookModel
import Foundation

/// `revision`: what `status` would name its revision, without the seats.
/// Reply: {now, version, earliest expiry of a live lock (0 without)} or {'not_loaded', now}
struct RevisionInput: ScriptInput {
    let keys: SeatKeys

    var values: ScriptValues {
        ScriptValues(
            keys: ["indexKey": .one(keys.index), "loadedKey": .one(keys.loaded), "versionKey": .one(keys.version)], arguments: [:])
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
            keys: ScriptSlots(["indexKey", "loadedKey", "versionKey"])),
        body: ScriptLibrary.now + ScriptLibrary.requireLoaded + """
            local earliest = redis.call('ZRANGEBYSCORE', indexKey, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
            return {now, tonumber(redis.call('GET', versionKey) or '0'), tonumber(earliest[2] or '0')}
            """)
}
