import RedisClient

/// The Lua scripts of the core. Each runs atomically in one round trip; time comes from
/// the server (`TIME`), never from a client. All keys share the showtime's hash tag.
enum SeatScripts {
    private static let now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

        """

    /// For the scripts that give holds: a holds set lives as long as its longest hold, its
    /// expiry only ever grows (GT), and a set just created (no expiry yet) gets one.
    private static let keepUntil = """
        local function keepUntil(key, expiry)
          if redis.call('PEXPIREAT', key, expiry, 'GT') == 0 and redis.call('PTTL', key) == -1 then
            redis.call('PEXPIREAT', key, expiry)
          end
        end

        """

    /// Locks seats for one user, all or nothing.
    /// KEYS: index, sold, sequence, holds of the user, then one lock key per seat.
    /// ARGV: showtime id, user, ttl ms, maximum hold ms, maximum seats per user,
    ///       events channel, then the seat codes.
    /// Reply: {'ok', now, seat, expiry, token, ...}
    ///     or {'unavailable', now, {unavailable seats}, {every sold or locked seat}}
    ///     or {'too_many', now, seats already held}
    static let lock = RedisScript(name: "lock", source: now + keepUntil + """
        local user = ARGV[2]
        local count = #KEYS - 4
        local seats = {unpack(ARGV, 7, 6 + count)}
        local sold = redis.call('HMGET', KEYS[2], unpack(seats))
        -- The index holds every live lock's expiry: only seats with a live entry have a
        -- lock key worth reading (a free seat, the common case, costs no call of its own).
        local live = redis.call('ZMSCORE', KEYS[1], unpack(seats))
        local current = {}
        local unavailable = {}
        for i = 1, count do
          current[i] = {}
          if sold[i] then
            unavailable[#unavailable + 1] = seats[i]
          elseif live[i] and tonumber(live[i]) > now then
            current[i] = redis.call('HMGET', KEYS[4 + i], 'user_id', 'locked_at', 'token')
            if current[i][1] and current[i][1] ~= user then unavailable[#unavailable + 1] = seats[i] end
          end
        end
        if #unavailable > 0 then
          local taken = redis.call('HKEYS', KEYS[2])
          for _, seat in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
            taken[#taken + 1] = seat
          end
          return {'unavailable', now, unavailable, taken}
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
        local held = redis.call('ZCARD', KEYS[4])
        local added = 0
        for _, score in ipairs(redis.call('ZMSCORE', KEYS[4], unpack(seats))) do
          if not score then added = added + 1 end
        end
        if held + added > tonumber(ARGV[5]) then return {'too_many', now, held} end
        local ttl = tonumber(ARGV[3])
        local maximumHold = tonumber(ARGV[4])
        local token = false
        local reply = {'ok', now}
        local entries = {}
        local latest = 0
        for i = 1, count do
          local key = KEYS[4 + i]
          local lockedAt = tonumber(current[i][2])
          local seatToken = current[i][3]
          local expiry
          if lockedAt then
            expiry = math.min(now + ttl, lockedAt + maximumHold)
          else
            if not token then token = redis.call('INCR', KEYS[3]) end
            seatToken = token
            expiry = now + math.min(ttl, maximumHold)
            redis.call('HSET', key, 'user_id', user, 'locked_at', now, 'showtime_id', ARGV[1], 'token', token)
          end
          redis.call('PEXPIREAT', key, expiry)
          entries[#entries + 1] = expiry
          entries[#entries + 1] = seats[i]
          if expiry > latest then latest = expiry end
          reply[#reply + 1] = seats[i]
          reply[#reply + 1] = expiry
          reply[#reply + 1] = tonumber(seatToken)
        end
        redis.call('ZADD', KEYS[1], unpack(entries))
        redis.call('ZADD', KEYS[4], unpack(entries))
        keepUntil(KEYS[4], latest)
        redis.call('PUBLISH', ARGV[6], cjson.encode({event = 'locked', showtime_id = tonumber(ARGV[1]),
          seats = seats, expires_at = latest, at = now}))
        return reply
        """)

    /// Releases the seats this user holds; others' locks are left alone. Strict (ARGV[4]
    /// is '1'): if any seat is sold or held by someone else, nothing is released.
    /// KEYS: index, holds of the user, sold, then one lock key per seat.
    /// ARGV: showtime id, user, events channel, strict, then the seat codes.
    /// Reply: {now, {released seats}} or {now, {}, {seats sold or held by others}}
    static let unlock = RedisScript(name: "unlock", source: now + """
        local count = #KEYS - 3
        local owners = {}
        local others = {}
        for i = 1, count do
          owners[i] = redis.call('HGET', KEYS[3 + i], 'user_id')
          if ARGV[4] == '1' and ((owners[i] and owners[i] ~= ARGV[2]) or redis.call('HEXISTS', KEYS[3], ARGV[4 + i]) == 1) then
            others[#others + 1] = ARGV[4 + i]
          end
        end
        if #others > 0 then return {now, {}, others} end
        local released = {}
        for i = 1, count do
          local seat = ARGV[4 + i]
          if owners[i] == ARGV[2] then
            redis.call('DEL', KEYS[3 + i])
            released[#released + 1] = seat
          end
        end
        if #released > 0 then
          redis.call('ZREM', KEYS[1], unpack(released))
          redis.call('ZREM', KEYS[2], unpack(released))
          redis.call('PUBLISH', ARGV[3], cjson.encode({event = 'released', showtime_id = tonumber(ARGV[1]),
            seats = released, at = now}))
        end
        return {now, released}
        """)

    /// Gives the user's seats a fresh TTL, all or nothing, capped at the maximum hold.
    /// KEYS: index, holds of the user, then one lock key per seat.
    /// ARGV: showtime id, user, ttl ms, maximum hold ms, events channel, then the seat codes.
    /// Reply: {'ok', now, seat, expiry, token, ...} or {'not_owner' | 'expired', now, {seats}}
    static let extend = RedisScript(name: "extend", source: now + keepUntil + """
        local user = ARGV[2]
        local count = #KEYS - 2
        local notOwner, expired = {}, {}
        for i = 1, count do
          local owner = redis.call('HGET', KEYS[2 + i], 'user_id')
          if not owner then
            expired[#expired + 1] = ARGV[5 + i]
          elseif owner ~= user then
            notOwner[#notOwner + 1] = ARGV[5 + i]
          end
        end
        if #notOwner > 0 then return {'not_owner', now, notOwner} end
        if #expired > 0 then return {'expired', now, expired} end
        local ttl = tonumber(ARGV[3])
        local maximumHold = tonumber(ARGV[4])
        local reply = {'ok', now}
        local seats = {}
        local latest = 0
        for i = 1, count do
          local key = KEYS[2 + i]
          local seat = ARGV[5 + i]
          local expiry = math.min(now + ttl, tonumber(redis.call('HGET', key, 'locked_at')) + maximumHold)
          redis.call('PEXPIREAT', key, expiry)
          redis.call('ZADD', KEYS[1], expiry, seat)
          redis.call('ZADD', KEYS[2], expiry, seat)
          if expiry > latest then latest = expiry end
          seats[#seats + 1] = seat
          reply[#reply + 1] = seat
          reply[#reply + 1] = expiry
          reply[#reply + 1] = tonumber(redis.call('HGET', key, 'token'))
        end
        keepUntil(KEYS[2], latest)
        redis.call('PUBLISH', ARGV[5], cjson.encode({event = 'extended', showtime_id = tonumber(ARGV[1]),
          seats = seats, expires_at = latest, at = now}))
        return reply
        """)

    /// Sells the user's held seats, all or nothing: marks them sold, writes the booking
    /// and deletes the locks. The booking key `booking:{showtime}:<id>` takes its id from
    /// the sequence inside the script; it carries the same hash tag, so the same slot.
    /// KEYS: index, sold, sequence, holds of the user, then one lock key per seat.
    /// ARGV: showtime id, user, events channel, booking key prefix, then the seat codes.
    /// Reply: {'ok', now, booking id} or {'not_owner' | 'expired', now, {seats}}
    static let book = RedisScript(name: "book", source: now + """
        local user = ARGV[2]
        local count = #KEYS - 4
        local notOwner, expired = {}, {}
        for i = 1, count do
          local seat = ARGV[4 + i]
          if redis.call('HEXISTS', KEYS[2], seat) == 1 then
            notOwner[#notOwner + 1] = seat
          else
            local owner = redis.call('HGET', KEYS[4 + i], 'user_id')
            if not owner then
              expired[#expired + 1] = seat
            elseif owner ~= user then
              notOwner[#notOwner + 1] = seat
            end
          end
        end
        if #notOwner > 0 then return {'not_owner', now, notOwner} end
        if #expired > 0 then return {'expired', now, expired} end
        local id = redis.call('INCR', KEYS[3])
        local seats = {}
        for i = 1, count do
          local seat = ARGV[4 + i]
          seats[#seats + 1] = seat
          redis.call('HSET', KEYS[2], seat, id)
          redis.call('DEL', KEYS[4 + i])
          redis.call('ZREM', KEYS[1], seat)
          redis.call('ZREM', KEYS[4], seat)
        end
        redis.call('HSET', ARGV[4] .. id, 'user_id', user, 'seats', table.concat(seats, ','),
          'booked_at', now, 'showtime_id', ARGV[1])
        redis.call('PUBLISH', ARGV[3], cjson.encode({event = 'booked', showtime_id = tonumber(ARGV[1]),
          seats = seats, booking_id = id, at = now}))
        return {'ok', now, id}
        """)

    /// Every sold and live-locked seat, and which of the locks are the viewer's.
    /// KEYS: index, sold, holds of the viewer.
    /// Reply: {now, {sold seats}, {seat, expiry, ...} locked, {seat, expiry, ...} the viewer's}
    static let status = RedisScript(name: "status", source: now + """
        local live = '(' .. now
        return {now, redis.call('HKEYS', KEYS[2]),
          redis.call('ZRANGEBYSCORE', KEYS[1], live, '+inf', 'WITHSCORES'),
          redis.call('ZRANGEBYSCORE', KEYS[3], live, '+inf', 'WITHSCORES')}
        """)

    /// Drops index entries of expired locks and announces them.
    /// KEYS: index. ARGV: showtime id, events channel, most entries to drop.
    /// Reply: {now, {expired seats}}
    static let sweep = RedisScript(name: "sweep", source: now + """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
        if #expired > 0 then
          redis.call('ZREM', KEYS[1], unpack(expired))
          redis.call('PUBLISH', ARGV[2], cjson.encode({event = 'expired', showtime_id = tonumber(ARGV[1]),
            seats = expired, at = now}))
        end
        return {now, expired}
        """)
}
