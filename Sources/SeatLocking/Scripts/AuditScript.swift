import CinebookModel
import Foundation

/// `audit`: checks, atomically, that every lock has a TTL and an index entry with its
/// expiry, that every live index entry has its lock, and that no sold seat is locked.
/// Given every seat of the layout.
/// Reply: {{problems}, live locks, sold seats}
struct AuditInput: ScriptInput {
    let keys: SeatKeys
    /// Every seat of the layout.
    let seats: [SeatCode]

    var values: ScriptValues {
        ScriptValues(
            keys: ["indexKey": .one(keys.index), "soldKey": .one(keys.sold), "lockKeys": .list(seats.map(keys.lock))],
            arguments: ["seats": .list(seats.map(\.text))])
    }
}

/// `audit`: the problems found, and how many locks and sold seats it saw.
struct AuditOutcome: ScriptOutcome {
    let problems: [String]
    let locks: Int
    let sold: Int

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        problems = try reply.strings(at: 0)
        locks = Int(try reply.integer(at: 1))
        sold = Int(try reply.integer(at: 2))
    }
}

extension SeatScripts {
    static let audit = SeatScript<AuditInput, AuditOutcome>(
        name: "audit",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "soldKey"], list: "lockKeys"),
            arguments: ScriptSlots(list: "seats")),
        body: """
            -- Server time now, read afresh: a long audit must not compare with its start.
            local function now()
              local clock = redis.call('TIME')
              return tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            end
            local problems = {}
            local locks = 0
            local known = {}
            for i, seat in ipairs(seats) do
              known[seat] = true
              -- The absolute expiry, so that the comparison does not depend on when it is made.
              local expiry = redis.call('PEXPIRETIME', lockKeys[i])
              local score = redis.call('ZSCORE', indexKey, seat)
              if expiry == -1 then problems[#problems + 1] = seat .. ': lock without TTL' end
              if expiry >= 0 then
                locks = locks + 1
                if not score then
                  problems[#problems + 1] = seat .. ': lock missing from the index'
                elseif tonumber(score) ~= expiry then
                  problems[#problems + 1] = seat .. ': index expiry differs from the lock TTL'
                end
                if redis.call('HEXISTS', soldKey, seat) == 1 then problems[#problems + 1] = seat .. ': sold and locked' end
              elseif score and tonumber(score) > now() then
                problems[#problems + 1] = seat .. ': index entry without a lock'
              end
            end
            for _, seat in ipairs(redis.call('ZRANGE', indexKey, 0, -1)) do
              if not known[seat] then problems[#problems + 1] = seat .. ': index entry for no seat of the layout' end
            end
            return {problems, locks, redis.call('HLEN', soldKey)}
            """)
}
