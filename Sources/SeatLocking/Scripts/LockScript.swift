import CinebookModel
import Foundation

/// `lock`: locks seats for one user, all or nothing: the first of the candidate blocks
/// (`choices`, each of the same size, best first) whose seats are all free or the user's
/// own. The first block is the seats asked for; the others, if any, what to hold instead
/// when those were just taken, so that a lost race is settled in the same call.
/// Reply: {'ok', now, epoch (when Redis last loaded the sold seats), seat, expiry, token, ...}
///     or {'unavailable', now, {the first block's unavailable seats}, {every sold, claimed
///         or locked seat}, {seats whose booking claim has passed its deadline}}
///     or {'too_many', now, seats already held}
///     or {'room', now, reason, opens at}: the showtime's waiting room refused it
///     or {'not_party_member', now}: the member has left the party (or was never in it)
///     or {'not_loaded', now}
struct LockInput: ScriptInput {
    let keys: SeatKeys
    /// Whose hold it is: the person, or their party's holder.
    let user: String
    /// For a party's hold: the party, and the member who sits in the new seats (who must
    /// still be in it).
    let party: Request.Membership?
    /// Blocks of seats, each as large as the first, in order of preference.
    let choices: [[SeatCode]]
    let ttl: Duration
    let policy: LockPolicy
    let admission: Admission

    /// What the waiting room's gate needs: when sales open (from the catalog), and the
    /// ticket of the pass handed in, if any.
    struct Admission: Sendable {
        var opensAt: Date?
        var passTicket: Int?
    }

    init(
        keys: SeatKeys, user: String, party: Request.Membership? = nil, choices: [[SeatCode]], ttl: Duration,
        policy: LockPolicy, admission: Admission
    ) {
        precondition(!choices.isEmpty && choices.allSatisfy { $0.count == choices[0].count }, "blocks of one size")
        self.keys = keys
        self.user = user
        self.party = party
        self.choices = choices
        self.ttl = ttl
        self.policy = policy
        self.admission = admission
    }

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "indexKey": .one(keys.index), "soldKey": .one(keys.sold), "sequenceKey": .one(keys.sequence),
                "holdsKey": .one(keys.holds(user)), "claimsKey": .one(keys.claims), "loadedKey": .one(keys.loaded),
                "lockKeys": .list(choices.joined().map(keys.lock)),
                "startsKey": .one(keys.starts), "historyKey": .one(keys.history), "versionKey": .one(keys.version),
                "roomKey": .one(keys.room), "roomPassesKey": .one(keys.roomPasses), "roomChoosingKey": .one(keys.roomChoosing),
                "roomSessionsKey": .one(keys.roomSessions), "roomDemandKey": .one(keys.roomDemand),
                "partyKey": .one(party.map { keys.party($0.code) } ?? keys.noParty),
            ],
            arguments: [
                "showtimeID": .one(String(keys.showtime)), "user": .one(user), "ttlMs": .one(String(ttl.milliseconds)),
                "maximumHoldMs": .one(String(policy.maximumHold.milliseconds)),
                "maximumSeats": .one(String(policy.maximumSeatsPerUser)), "channel": .one(keys.events),
                "blockSize": .one(String(choices[0].count)), "seats": .list(choices.joined().map(\.text)),
                "catalogOpensAt": .one(admission.opensAt.map { String($0.milliseconds) } ?? ""),
                "passTicket": .one(admission.passTicket.map(String.init) ?? ""),
                "sessionMs": .one(String(policy.room.session.milliseconds)), "choiceMs": .one(String(policy.room.choiceWindow.milliseconds)),
                "demandThreshold": .one(String(policy.room.demandThreshold)), "member": .one(party?.member ?? ""),
            ])
    }
}

/// `lock`: every seat held, or why not.
enum LockOutcome: ScriptOutcome {
    case granted(serverTime: Date, epoch: Date, seats: [HeldSeat])
    /// `seats` are sold, claimed or held by others; `taken` is every seat not free now;
    /// `staleClaims` are booking claims past their deadline, which only reconciliation can settle.
    case unavailable(seats: [SeatCode], taken: Set<SeatCode>, staleClaims: [SeatCode])
    case tooMany(alreadyHeld: Int)
    /// The waiting room refused it (`reason` is a `RoomRefusal` code).
    case refusedByRoom(reason: String, opensAt: Date?)
    case notPartyMember

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .granted(serverTime: try reply.serverTime, epoch: try reply.time(at: 2), seats: try reply.heldSeats(from: 3))
        case "unavailable":
            self = .unavailable(seats: try reply.codes(at: 2), taken: Set(try reply.codes(at: 3)), staleClaims: try reply.codes(at: 4))
        case "too_many": self = .tooMany(alreadyHeld: Int(try reply.integer(at: 2)))
        case "not_party_member": self = .notPartyMember
        case "room":
            let opensAt = try reply.integer(at: 3)
            self = .refusedByRoom(reason: try reply.string(at: 2), opensAt: opensAt > 0 ? Date(milliseconds: opensAt) : nil)
        default: throw reply.malformed()
        }
    }
}

extension SeatScripts {
    static let lock = SeatScript<LockInput, LockOutcome>(
        name: "lock",
        layout: ScriptLayout(
            keys: ScriptSlots(
                ["indexKey", "soldKey", "sequenceKey", "holdsKey", "claimsKey", "loadedKey"], list: "lockKeys",
                tail: [
                    "startsKey", "historyKey", "versionKey", "roomKey", "roomPassesKey", "roomChoosingKey", "roomSessionsKey", "roomDemandKey",
                    "partyKey",
                ]),
            arguments: ScriptSlots(
                ["showtimeID", "user", "ttlMs", "maximumHoldMs", "maximumSeats", "channel", "blockSize"], list: "seats",
                tail: ["catalogOpensAt", "passTicket", "sessionMs", "choiceMs", "demandThreshold", "member"])),
        body: ScriptLibrary.now + ScriptLibrary.keepUntil + ScriptLibrary.claims + ScriptLibrary.announce + ScriptLibrary.history
            + ScriptLibrary.requireLoaded + roomGate + """
            if member ~= '' and redis.call('HEXISTS', partyKey, 'member:' .. member) == 0 then return {'not_party_member', now} end
            local refusal = roomGate()
            if refusal then return refusal end
            local count = tonumber(blockSize)
            local offered, offeredLocks = seats, lockKeys
            local sold = redis.call('HMGET', soldKey, unpack(offered))
            local claimed = redis.call('HMGET', claimsKey, unpack(offered))
            -- The index holds every live lock's expiry: only seats with a live entry have a
            -- lock key worth reading (a free seat, the common case, costs no call of its own).
            local offeredLive = redis.call('ZMSCORE', indexKey, unpack(offered))
            local stale = {}
            local unavailable = {}
            local current, live, lapsed
            -- The first block with no seat sold, claimed or held by someone else is the one held.
            for first = 1, #offered, count do
              local blockCurrent, blockLive, blockUnavailable, blockLapsed = {}, {}, {}, {}
              for i = 1, count do
                local at = first + i - 1
                blockCurrent[i] = {}
                blockLive[i] = offeredLive[at]
                if sold[at] or claimed[at] then
                  blockUnavailable[#blockUnavailable + 1] = offered[at]
                  if not sold[at] and claimOf(claimed[at]) <= now then stale[#stale + 1] = offered[at] end
                elseif offeredLive[at] and tonumber(offeredLive[at]) > now then
                  blockCurrent[i] = redis.call('HMGET', offeredLocks[at], 'user_id', 'locked_at', 'token')
                  if blockCurrent[i][1] and blockCurrent[i][1] ~= user then blockUnavailable[#blockUnavailable + 1] = offered[at] end
                elseif offeredLive[at] then
                  blockLapsed[#blockLapsed + 1] = i
                end
              end
              if first == 1 then unavailable = blockUnavailable end
              if #blockUnavailable == 0 then
                current, live, lapsed = blockCurrent, blockLive, blockLapsed
                seats = {unpack(offered, first, first + count - 1)}
                lockKeys = {unpack(offeredLocks, first, first + count - 1)}
                break
              end
            end
            if not current then
              remember('unavailable', unavailable, user, now, false)
              local taken = redis.call('HKEYS', soldKey)
              for _, seat in ipairs(redis.call('HKEYS', claimsKey)) do taken[#taken + 1] = seat end
              for _, seat in ipairs(redis.call('ZRANGEBYSCORE', indexKey, '(' .. now, '+inf')) do
                taken[#taken + 1] = seat
              end
              return {'unavailable', now, unavailable, taken, stale}
            end
            redis.call('ZREMRANGEBYSCORE', holdsKey, '-inf', now)
            local held = redis.call('ZCARD', holdsKey)
            local added = 0
            for _, score in ipairs(redis.call('ZMSCORE', holdsKey, unpack(seats))) do
              if not score then added = added + 1 end
            end
            if held + added > tonumber(maximumSeats) then
              remember('too_many', seats, user, now, false)
              return {'too_many', now, held}
            end
            -- Holds that ran out but were not swept yet end now, at their expiry.
            for _, i in ipairs(lapsed) do
              local expiry = tonumber(live[i])
              remember('expired', {seats[i]}, false, expiry, heldSince({seats[i]}))
            end
            local ttl = tonumber(ttlMs)
            local maximumHold = tonumber(maximumHoldMs)
            local token = false
            local reply = {'ok', now, epoch}
            local entries = {}
            local latest = 0
            local began = {}
            for i = 1, count do
              local key = lockKeys[i]
              local lockedAt = tonumber(current[i][2])
              local seatToken = current[i][3]
              local expiry
              if lockedAt then
                -- Held already: a fresh TTL, but never an expiry earlier than the one it has.
                expiry = math.max(tonumber(live[i]), math.min(now + ttl, lockedAt + maximumHold))
              else
                if not token then token = redis.call('INCR', sequenceKey) end
                seatToken = token
                expiry = now + math.min(ttl, maximumHold)
                redis.call('HSET', key, 'user_id', user, 'locked_at', now, 'showtime_id', showtimeID, 'token', token)
                if member ~= '' then redis.call('HSET', key, 'member', member) end
                began[#began + 1] = seats[i]
              end
              redis.call('PEXPIREAT', key, expiry)
              entries[#entries + 1] = expiry
              entries[#entries + 1] = seats[i]
              if expiry > latest then latest = expiry end
              reply[#reply + 1] = seats[i]
              reply[#reply + 1] = expiry
              reply[#reply + 1] = tonumber(seatToken)
            end
            redis.call('ZADD', indexKey, unpack(entries))
            redis.call('ZADD', holdsKey, unpack(entries))
            redis.call('ZREM', roomChoosingKey, member ~= '' and member or user)
            countDemand()
            keepUntil(holdsKey, latest)
            if member ~= '' then keepUntil(partyKey, latest) end
            if #began > 0 then
              local starts = {}
              for _, seat in ipairs(began) do starts[#starts + 1] = seat; starts[#starts + 1] = now end
              redis.call('HSET', startsKey, unpack(starts))
            end
            announce(channel, {event = 'locked', showtime_id = tonumber(showtimeID),
              seats = seats, expires_at = latest, at = now})
            return reply
            """)
}
