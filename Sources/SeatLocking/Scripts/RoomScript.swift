import CinebookModel
import Foundation

/// `room`: a showtime's waiting room, kept up to date and asked in one step. Every call
/// first does what is due: when sales open, the pre-queue is drawn into the line (a
/// Fisher–Yates shuffle seeded once per room); passes that ran out unused end (those people
/// left); and people are admitted from the front of the line while fewer are choosing than
/// the free seats allow. Then the user's action (`join`, `leave`, or only `look`), the
/// room's news on the showtime's channel when it changed (`RoomNews`), and where the user
/// stands.
/// Reply: {now, phase, ticket, ahead, pass ticket, pass expiry, likely sold out (0/1),
///         opens at, active (0/1), waiting, choosing, admitted, left, admissions in the last
///         minute, ms per admission, longest wait ms, total wait ms}
/// (0 where a value is missing).
struct RoomInput: ScriptInput {
    enum Action: String {
        case join, leave, look
    }

    let keys: SeatKeys
    let user: String
    let action: Action
    /// When sales open, from the catalog (an operator's time in the room hash wins).
    let opensAt: Date?
    let sellableSeats: Int
    let policy: RoomPolicy
    /// The draw's seed, kept by the room from its first call.
    let seed: UInt32

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "roomKey": .one(keys.room), "earlyKey": .one(keys.roomEarly), "lineKey": .one(keys.roomLine), "joinedKey": .one(keys.roomJoined),
                "passesKey": .one(keys.roomPasses), "choosingKey": .one(keys.roomChoosing), "sessionsKey": .one(keys.roomSessions),
                "demandKey": .one(keys.roomDemand), "admissionsKey": .one(keys.roomAdmissions), "soldKey": .one(keys.sold),
                "claimsKey": .one(keys.claims), "indexKey": .one(keys.index),
            ],
            arguments: [
                "user": .one(user), "action": .one(action.rawValue),
                "catalogOpensAt": .one(opensAt.map { String($0.milliseconds) } ?? ""),
                "sellableSeats": .one(String(sellableSeats)), "passMs": .one(String(policy.passLifetime.milliseconds)),
                "spread": .one(String(policy.spread)), "burst": .one(String(policy.burst)),
                "party": .one(String(RoomPolicy.assumedParty)), "seed": .one(String(seed)),
                "demandThreshold": .one(String(policy.demandThreshold)),
                "showtimeID": .one(String(keys.showtime)), "channel": .one(keys.events),
            ])
    }
}

/// `room`: the user's standing and the room's counts.
struct RoomOutcome: ScriptOutcome {
    let serverTime: Date
    let phase: RoomStanding.Phase
    let ticket: Int?
    let ahead: Int?
    /// The ticket and expiry of the user's unused pass.
    let pass: (ticket: Int, expiresAt: Date)?
    let likelySoldOut: Bool
    let opensAt: Date?
    let active: Bool
    let waiting: Int
    let choosing: Int
    let admitted: Int
    let left: Int
    let admissionsLastMinute: Int
    let perAdmission: Duration?
    let longestWait: Duration
    let totalWait: Duration

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        guard let phase = RoomStanding.Phase(rawValue: try reply.string(at: 1)) else { throw reply.malformed() }
        self.phase = phase
        let ticket = Int(try reply.integer(at: 2))
        self.ticket = ticket > 0 ? ticket : nil
        let ahead = Int(try reply.integer(at: 3))
        self.ahead = phase == .waiting ? ahead : nil
        let passTicket = Int(try reply.integer(at: 4))
        pass = passTicket > 0 ? (passTicket, try reply.time(at: 5)) : nil
        likelySoldOut = try reply.integer(at: 6) == 1
        let opensAt = try reply.integer(at: 7)
        self.opensAt = opensAt > 0 ? Date(milliseconds: opensAt) : nil
        active = try reply.integer(at: 8) == 1
        waiting = Int(try reply.integer(at: 9))
        choosing = Int(try reply.integer(at: 10))
        admitted = Int(try reply.integer(at: 11))
        left = Int(try reply.integer(at: 12))
        admissionsLastMinute = Int(try reply.integer(at: 13))
        let perAdmission = try reply.integer(at: 14)
        self.perAdmission = perAdmission > 0 ? .milliseconds(perAdmission) : nil
        longestWait = .milliseconds(try reply.integer(at: 15))
        totalWait = .milliseconds(try reply.integer(at: 16))
    }
}

extension RoomOutcome {
    /// The room's counts, as an operator sees them.
    var summary: RoomSummary {
        RoomSummary(
            active: active, opensAt: opensAt, waiting: waiting, choosing: choosing, admitted: admitted, left: left,
            admissionsLastMinute: admissionsLastMinute, longestWait: longestWait, meanWait: admitted > 0 ? totalWait / admitted : .zero)
    }
}

extension SeatScripts {
    static let room = SeatScript<RoomInput, RoomOutcome>(
        name: "room",
        layout: ScriptLayout(
            keys: ScriptSlots([
                "roomKey", "earlyKey", "lineKey", "joinedKey", "passesKey", "choosingKey", "sessionsKey", "demandKey", "admissionsKey",
                "soldKey", "claimsKey", "indexKey",
            ]),
            arguments: ScriptSlots([
                "user", "action", "catalogOpensAt", "sellableSeats", "passMs", "spread", "burst", "party", "seed", "demandThreshold",
                "showtimeID", "channel",
            ])),
        body: ScriptLibrary.now + passEntry + """
            local state = redis.call('HMGET', roomKey, 'opens_at', 'active', 'opened', 'next_ticket', 'admitted', 'left',
              'first_admitted_at', 'last_admitted_at', 'longest_wait_ms', 'wait_ms', 'served_through', 'news')
            local opensAt = tonumber(state[1]) or tonumber(catalogOpensAt)
            local active = opensAt ~= nil or state[2] == '1'
            local function count(value) return tonumber(value) or 0 end
            if not active then
              return {now, 'open', 0, 0, 0, 0, 0, 0, 0, 0, 0, count(state[5]), count(state[6]), 0, 0, 0, 0}
            end
            local opened = state[3] == '1' or not opensAt or now >= opensAt
            local nextTicket = count(state[4])
            local admitted, left = count(state[5]), count(state[6])
            local firstAdmitted, lastAdmitted = tonumber(state[7]), tonumber(state[8])
            local longestWait, totalWait = count(state[9]), count(state[10])
            local servedThrough = count(state[11])
            local changes = {}

            -- Sales open: the pre-queue is drawn into the line, in an order no refresh can change.
            if opensAt and now >= opensAt and state[3] ~= '1' then
              redis.call('HSETNX', roomKey, 'seed', seed)
              local draw = tonumber(redis.call('HGET', roomKey, 'seed')) % 2147483646 + 1
              local early = redis.call('ZRANGE', earlyKey, 0, -1, 'WITHSCORES')
              local people, joinedAt = {}, {}
              for i = 1, #early, 2 do
                people[#people + 1] = early[i]
                joinedAt[early[i]] = early[i + 1]
              end
              for i = #people, 2, -1 do
                draw = (draw * 48271) % 2147483647
                local j = draw % i + 1
                people[i], people[j] = people[j], people[i]
              end
              for i, person in ipairs(people) do
                redis.call('ZADD', lineKey, nextTicket + i, person)
                redis.call('HSET', joinedKey, person, joinedAt[person])
              end
              nextTicket = nextTicket + #people
              redis.call('DEL', earlyKey)
              changes[#changes + 1] = 'opened'; changes[#changes + 1] = '1'
              changes[#changes + 1] = 'next_ticket'; changes[#changes + 1] = nextTicket
            end

            -- Passes that ran out unused: those people left without choosing.
            for _, person in ipairs(redis.call('ZRANGEBYSCORE', choosingKey, '-inf', now)) do
              local _, _, use = readPass(redis.call('HGET', passesKey, person))
              if use == 'issued' then left = left + 1 end
            end
            redis.call('ZREMRANGEBYSCORE', choosingKey, '-inf', now)
            redis.call('ZREMRANGEBYSCORE', sessionsKey, '-inf', now)
            redis.call('ZREMRANGEBYSCORE', admissionsKey, '-inf', now - 60000)

            -- The user's action.
            local inLine = redis.call('ZSCORE', lineKey, user)
            local early = redis.call('ZSCORE', earlyKey, user)
            local passEntry = redis.call('HGET', passesKey, user)
            if action == 'join' and not inLine and not early then
              local _, expiry, use = readPass(passEntry)
              local passLive = expiry and (use == 'used' or expiry > now)
              if not passLive then
                redis.call('HDEL', passesKey, user)
                passEntry = nil
                if not opened then
                  redis.call('ZADD', earlyKey, now, user)
                  early = tostring(now)
                else
                  nextTicket = nextTicket + 1
                  redis.call('ZADD', lineKey, nextTicket, user)
                  redis.call('HSET', joinedKey, user, now)
                  inLine = tostring(nextTicket)
                  changes[#changes + 1] = 'next_ticket'; changes[#changes + 1] = nextTicket
                end
              end
            elseif action == 'leave' then
              local _, _, use = readPass(passEntry)
              if inLine or early or use == 'issued' then left = left + 1 end
              redis.call('ZREM', lineKey, user)
              redis.call('ZREM', earlyKey, user)
              redis.call('ZREM', choosingKey, user)
              redis.call('HDEL', joinedKey, user)
              if use == 'issued' then redis.call('HDEL', passesKey, user); passEntry = nil end
              inLine, early = nil, nil
            end

            -- Admission: while fewer choose than the free seats allow, the front of the line comes in.
            local free = tonumber(sellableSeats) - redis.call('HLEN', soldKey) - redis.call('HLEN', claimsKey)
              - redis.call('ZCOUNT', indexKey, '(' .. now, '+inf')
            local choosing = redis.call('ZCARD', choosingKey)
            if opened then
              -- Few seats left, scattered as the last seats are: a few people at once, so that
              -- those whose party fits no block give way quickly to those whose party does.
              local room = math.floor(free / (tonumber(party) * tonumber(spread)))
              local few = math.min(math.floor(free / tonumber(party)), tonumber(spread))
              local limit = math.min(tonumber(burst), math.max(room, few, free > 0 and 1 or 0))
              while choosing < limit do
                local front = redis.call('ZRANGE', lineKey, 0, 0, 'WITHSCORES')
                if #front == 0 then break end
                local person, ticket = front[1], tonumber(front[2])
                local joined = tonumber(redis.call('HGET', joinedKey, person)) or now
                local expiry = now + tonumber(passMs)
                redis.call('ZREM', lineKey, person)
                redis.call('HDEL', joinedKey, person)
                writePass(passesKey, person, ticket, expiry, 'issued', joined)
                redis.call('ZADD', choosingKey, expiry, person)
                redis.call('ZADD', admissionsKey, now, ticket)
                admitted = admitted + 1
                totalWait = totalWait + (now - joined)
                longestWait = math.max(longestWait, now - joined)
                if not firstAdmitted then
                  firstAdmitted = now
                  changes[#changes + 1] = 'first_admitted_at'; changes[#changes + 1] = now
                end
                lastAdmitted = now
                changes[#changes + 1] = 'last_admitted_at'; changes[#changes + 1] = now
                servedThrough = ticket
                changes[#changes + 1] = 'served_through'; changes[#changes + 1] = ticket
                choosing = choosing + 1
                if person == user then inLine = nil; passEntry = redis.call('HGET', passesKey, user) end
              end
            end
            changes[#changes + 1] = 'admitted'; changes[#changes + 1] = admitted
            changes[#changes + 1] = 'left'; changes[#changes + 1] = left
            changes[#changes + 1] = 'longest_wait_ms'; changes[#changes + 1] = longestWait
            changes[#changes + 1] = 'wait_ms'; changes[#changes + 1] = totalWait
            redis.call('HSET', roomKey, unpack(changes))

            -- A room that demand switched on goes off once the rush has passed.
            local waiting = redis.call('ZCARD', lineKey) + redis.call('ZCARD', earlyKey)
            if not opensAt and waiting == 0 and choosing == 0 then
              redis.call('ZREMRANGEBYSCORE', demandKey, '-inf', now - 60000)
              if redis.call('ZCARD', demandKey) * 2 < tonumber(demandThreshold) then
                redis.call('HDEL', roomKey, 'active')
                active = false
              end
            end

            -- News for everyone waiting, when it changed: how far the line is let in, and the
            -- first ticket for which the seats are as good as gone (the person with as many
            -- ahead, plus those choosing, as there are free seats).
            if active then
              local soldOutFrom = nil
              if free - choosing <= 0 then
                soldOutFrom = 0
              elseif opened then
                local at = redis.call('ZRANGE', lineKey, free - choosing, free - choosing, 'WITHSCORES')
                if #at > 0 then soldOutFrom = tonumber(at[2]) end
              end
              local news = servedThrough .. '|' .. (soldOutFrom or '')
              if news ~= state[12] then
                redis.call('HSET', roomKey, 'news', news)
                redis.call('SPUBLISH', channel, cjson.encode({event = 'room', showtime_id = tonumber(showtimeID), at = now,
                  served_through = servedThrough, sold_out_from = soldOutFrom, waiting = waiting, choosing = choosing}))
              end
            end

            -- Where the user stands.
            local phase, ticket, ahead, passTicket, passExpiry, soldOut = 'outside', 0, 0, 0, 0, 0
            local pTicket, pExpiry, pUse = readPass(passEntry)
            if not active then
              phase = 'open'
            elseif early then
              phase = 'pre_queue'
              if free <= 0 then soldOut = 1 end
            elseif inLine then
              phase, ticket = 'waiting', tonumber(inLine)
              ahead = redis.call('ZRANK', lineKey, user)
              if ahead + choosing >= free then soldOut = 1 end
            elseif pUse == 'used' and tonumber(redis.call('ZSCORE', sessionsKey, user) or 0) > now then
              phase, ticket = 'choosing', pTicket
            elseif pUse == 'issued' and pExpiry > now then
              phase, ticket, passTicket, passExpiry = 'admitted', pTicket, pTicket, pExpiry
            end
            local perAdmission = 0
            if admitted > 1 and firstAdmitted and lastAdmitted > firstAdmitted then
              perAdmission = math.floor((lastAdmitted - firstAdmitted) / (admitted - 1))
            end
            return {now, phase, ticket, ahead, passTicket, passExpiry, soldOut, opensAt or 0, active and 1 or 0, waiting, choosing,
              admitted, left, redis.call('ZCARD', admissionsKey), perAdmission, longestWait, totalWait}
            """)
}

extension SeatScripts {
    /// One entry of the room's passes hash, `<ticket>|<expiry ms>|<issued or used>|<joined ms>`,
    /// read and written the same by the room script and the lock script's gate.
    static let passEntry = """
        local function readPass(entry)
          if not entry then return nil end
          local ticket, expiry, use, joined = string.match(entry, '^(%d+)|(%d+)|(%a+)|(%d+)$')
          return tonumber(ticket), tonumber(expiry), use, tonumber(joined)
        end
        local function writePass(key, user, ticket, expiry, use, joined)
          redis.call('HSET', key, user, string.format('%d|%d|%s|%d', ticket, expiry, use, joined))
        end

        """

    /// The room's gate in the lock script: with no room on, a lock goes through (and, once
    /// granted, counts towards the demand that switches one on: `countDemand`); with one,
    /// only someone who holds seats, is within a session, or hands in their unused pass
    /// (which starts a session) gets past. Reads `roomKey`, `roomPassesKey`,
    /// `roomChoosingKey`, `roomSessionsKey`, `roomDemandKey`, `holdsKey` and `member` (a
    /// party's member is admitted as themselves); a refusal is `{'room', now, reason, opens at}`.
    static let roomGate = passEntry + """
        local countsDemand = false
        local function roomGate()
          -- A party's member is admitted as themselves; the seats they hold are the party's.
          local person = member ~= '' and member or user
          local opensAt, active = unpack(redis.call('HMGET', roomKey, 'opens_at', 'active'))
          opensAt = tonumber(opensAt) or tonumber(catalogOpensAt)
          if not opensAt and active ~= '1' then
            countsDemand = tonumber(demandThreshold) > 0
            return nil
          end
          if opensAt and now < opensAt then return {'room', now, 'sales_not_open', opensAt} end
          if tonumber(redis.call('ZSCORE', roomSessionsKey, person) or 0) > now then return nil end
          if redis.call('ZCOUNT', holdsKey, '(' .. now, '+inf') > 0 then return nil end
          if passTicket == '' then return {'room', now, 'pass_required', 0} end
          local ticket, expiry, use, joined = readPass(redis.call('HGET', roomPassesKey, person))
          if not ticket or ticket ~= tonumber(passTicket) then return {'room', now, 'pass_invalid', 0} end
          if use == 'used' then return {'room', now, 'pass_used', 0} end
          if expiry <= now then return {'room', now, 'pass_expired', 0} end
          writePass(roomPassesKey, person, ticket, expiry, 'used', joined)
          redis.call('ZADD', roomSessionsKey, now + tonumber(sessionMs), person)
          redis.call('ZADD', roomChoosingKey, now + tonumber(choiceMs), person)
          return nil
        end
        -- After a grant with no room on: the people who got seats within the last minute.
        local function countDemand()
          if not countsDemand then return end
          redis.call('ZADD', roomDemandKey, now, user)
          redis.call('ZREMRANGEBYSCORE', roomDemandKey, '-inf', now - 60000)
          redis.call('PEXPIRE', roomDemandKey, 60000)
          if redis.call('ZCARD', roomDemandKey) > tonumber(demandThreshold) then redis.call('HSET', roomKey, 'active', '1') end
        end

        """
}
