import CinebookModel
import Foundation

/// `party`: a party of one showtime, started, joined, left or only looked at in one step.
/// `start` creates it with its first member (refused as `taken` when the code is in use);
/// `join` adds a member while it has room; `leave` removes one, and the last one's leaving
/// ends it (the code is then remembered as ended for a day). Every call keeps the party
/// alive for the idle lifetime, or as long as its hold lasts. A join or a leave is
/// announced as a `party` event with no seats and no code.
/// Reply: {'ok', now, started by, {member, joined ms, ...}, {seat, sitter, expiry ms, ...},
///         {seats the leaver gives back}}
///     or {'taken' | 'party_ended' | 'not_party_member', now} or {'party_full', now, members}
struct PartyInput: ScriptInput {
    enum Action: String {
        case start, join, leave, look
    }

    let keys: SeatKeys
    let code: PartyCode
    let user: String
    let action: Action
    let policy: PartyPolicy

    var values: ScriptValues {
        ScriptValues(
            keys: ["partyKey": .one(keys.party(code)), "holdsKey": .one(keys.holds(code.holder)), "versionKey": .one(keys.version)],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events),
                "action": .one(action.rawValue), "user": .one(user), "holder": .one(code.holder),
                "lockPrefix": .one(keys.lockPrefix), "maximumMembers": .one(String(policy.maximumMembers)),
                "idleMs": .one(String(policy.idleLifetime.milliseconds)), "endedMs": .one(String(policy.endedCodeMemory.milliseconds)),
            ])
    }
}

/// `party`: the party as it is now, or why the action was refused.
enum PartyOutcome: ScriptOutcome {
    case party(Snapshot)
    /// `start` only: another party of the showtime has the code.
    case taken
    case ended
    case notMember
    case full(members: Int)

    struct Snapshot {
        let serverTime: Date
        let startedBy: String
        let members: [(name: String, joinedAt: Date)]
        let seats: [SeatCode: (sitter: String, expiresAt: Date)]
        /// For `leave`: the leaver's seats, or every seat once nobody is left.
        let givenBack: [SeatCode]
    }

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok":
            let members = try reply.strings(at: 3)
            let seats = try reply.strings(at: 4)
            var held: [SeatCode: (sitter: String, expiresAt: Date)] = [:]
            for at in stride(from: 0, to: seats.count - 2, by: 3) {
                guard let code = SeatCode(canonical: seats[at]), let expiry = Int64(seats[at + 2]) else { throw reply.malformed() }
                held[code] = (seats[at + 1], Date(milliseconds: expiry))
            }
            self = .party(Snapshot(
                serverTime: try reply.serverTime, startedBy: try reply.string(at: 2),
                members: stride(from: 0, to: members.count - 1, by: 2).map { (members[$0], Date(milliseconds: Int64(members[$0 + 1]) ?? 0)) },
                seats: held, givenBack: try reply.codes(at: 5)))
        case "taken": self = .taken
        case "party_ended": self = .ended
        case "not_party_member": self = .notMember
        case "party_full": self = .full(members: Int(try reply.integer(at: 2)))
        default: throw reply.malformed()
        }
    }
}

extension SeatScripts {
    static let party = SeatScript<PartyInput, PartyOutcome>(
        name: "party",
        layout: ScriptLayout(
            keys: ScriptSlots(["partyKey", "holdsKey", "versionKey"]),
            arguments: ScriptSlots(["showtimeID", "channel", "action", "user", "holder", "lockPrefix", "maximumMembers", "idleMs", "endedMs"])),
        body: ScriptLibrary.now + ScriptLibrary.announce + """
            local memberField = 'member:' .. user
            if action == 'start' then
              if redis.call('EXISTS', partyKey) == 1 then return {'taken', now} end
              redis.call('HSET', partyKey, 'started_by', user, 'created_at', now, 'size', 1, memberField, now)
            else
              local state = redis.call('HMGET', partyKey, 'size', 'ended_at', memberField)
              if not state[1] or state[2] then return {'party_ended', now} end
              local size, joined = tonumber(state[1]), state[3]
              if action == 'join' and not joined then
                if size >= tonumber(maximumMembers) then return {'party_full', now, size} end
                redis.call('HSET', partyKey, memberField, now, 'size', size + 1)
                announce(channel, {event = 'party', showtime_id = tonumber(showtimeID), seats = {}, at = now})
              elseif action == 'leave' or action == 'look' then
                if not joined then return {'not_party_member', now} end
              end
            end

            -- The party's live seats, and who sits in each.
            redis.call('ZREMRANGEBYSCORE', holdsKey, '-inf', now)
            local held = redis.call('ZRANGE', holdsKey, 0, -1, 'WITHSCORES')
            local seats, sitters = {}, {}
            for i = 1, #held, 2 do
              local lock = redis.call('HMGET', lockPrefix .. held[i], 'user_id', 'member')
              if lock[1] == holder then
                seats[#seats + 1] = held[i]; seats[#seats + 1] = lock[2] or ''; seats[#seats + 1] = held[i + 1]
                sitters[held[i]] = lock[2] or ''
              end
            end

            local givenBack = {}
            if action == 'leave' then
              redis.call('HDEL', partyKey, memberField)
              local size = redis.call('HINCRBY', partyKey, 'size', -1)
              announce(channel, {event = 'party', showtime_id = tonumber(showtimeID), seats = {}, at = now})
              for seat, sitter in pairs(sitters) do
                if size <= 0 or sitter == user then givenBack[#givenBack + 1] = seat end
              end
              if size <= 0 then
                redis.call('HSET', partyKey, 'ended_at', now)
                redis.call('PEXPIRE', partyKey, tonumber(endedMs))
                return {'ok', now, redis.call('HGET', partyKey, 'started_by'), {}, seats, givenBack}
              end
            end

            redis.call('PEXPIRE', partyKey, tonumber(idleMs), 'GT')
            if redis.call('PTTL', partyKey) < 0 then redis.call('PEXPIRE', partyKey, tonumber(idleMs)) end
            local fields = redis.call('HGETALL', partyKey)
            local members, startedBy = {}, ''
            for i = 1, #fields, 2 do
              if fields[i] == 'started_by' then startedBy = fields[i + 1] end
              if string.sub(fields[i], 1, 7) == 'member:' then
                members[#members + 1] = string.sub(fields[i], 8); members[#members + 1] = fields[i + 1]
              end
            end
            return {'ok', now, startedBy, members, seats, givenBack}
            """)
}
