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

    /// Every change of what a seat map shows: the showtime's version (the last key of the
    /// script) grows by one, and the event goes out with it on the showtime's channel.
    private static let announce = """
        local function announce(channel, event)
          event.version = redis.call('INCR', KEYS[#KEYS])
          redis.call('SPUBLISH', channel, cjson.encode(event))
        end

        """

    /// The hold history: when each seat's latest hold began (the third key from the end, a
    /// hash of at most one entry per seat, overwritten by the next hold), and each hold's
    /// end or refused lock in the showtime's capped stream (the second key from the end),
    /// in the same step as the change itself. A hold's start is its end less `held_ms`.
    private static let history = """
        local function heldSince(seats)
          if #seats == 0 then return false end
          local earliest = false
          for _, value in ipairs(redis.call('HMGET', KEYS[#KEYS - 2], unpack(seats))) do
            local at = tonumber(value)
            if at and (not earliest or at < earliest) then earliest = at end
          end
          return earliest
        end
        local function remember(event, seats, user, at, since)
          local fields = {'event', event, 'seats', table.concat(seats, ' '), 'at', at}
          if user then fields[#fields + 1] = 'user'; fields[#fields + 1] = user end
          if since then fields[#fields + 1] = 'held_ms'; fields[#fields + 1] = at - since end
          redis.call('XADD', KEYS[#KEYS - 1], 'MAXLEN', '~', '\(HoldHistory.capacity)', '*', unpack(fields))
        end

        """

    /// Seats being booked: `<deadline ms>|<user>` in the claims hash.
    private static let claims = """
        local function claimOf(value)
          if not value then return nil end
          local deadline, owner = string.match(value, '^(%d+)|(.*)$')
          return tonumber(deadline), owner
        end

        """

    /// The showtime's marker, `<epoch ms>|<node>`, says that this node holds the sold seats
    /// as the database has them, since the epoch. A missing marker means Redis lost data (a
    /// flush, an empty restart, an eviction); a marker written by another node means the
    /// keys came from elsewhere (a replica promoted after a failover, which may miss the
    /// last writes, or a slot migration). Either way the database fills the sold seats in
    /// again and a new epoch begins. The node is `CLUSTER MYID`, empty on one Redis.
    private static let marker = """
        local function thisNode()
          local id = redis.pcall('CLUSTER', 'MYID')
          if type(id) == 'string' then return id end
          return ''
        end
        local function loadedEpoch(key)
          local marker = redis.call('GET', key)
          if not marker then return nil end
          local epoch, node = string.match(marker, '^(%d+)|(.*)$')
          if node ~= thisNode() then return nil end
          return tonumber(epoch)
        end

        """

    /// For the scripts that need the sold seats: `not_loaded` until the marker is this node's.
    private static func requireLoaded(_ key: String) -> String {
        marker + "local epoch = loadedEpoch(\(key))\nif not epoch then return {'not_loaded', now} end\n"
    }

    /// Locks seats for one user, all or nothing.
    /// KEYS: index, sold, sequence, holds of the user, claims, loaded marker, then one
    ///       lock key per seat, then the hold starts, the history and the version.
    /// ARGV: showtime id, user, ttl ms, maximum hold ms, maximum seats per user,
    ///       events channel, then the seat codes.
    /// Reply: {'ok', now, epoch (when Redis last loaded the sold seats), seat, expiry, token, ...}
    ///     or {'unavailable', now, {unavailable seats}, {every sold, claimed or locked seat},
    ///         {seats whose booking claim has passed its deadline}}
    ///     or {'too_many', now, seats already held}
    ///     or {'not_loaded', now}
    static let lock = SeatScript<LockOutcome>(name: "lock", source: now + keepUntil + claims + announce + history + requireLoaded("KEYS[6]") + """
        local user = ARGV[2]
        local count = #KEYS - 9
        local seats = {unpack(ARGV, 7, 6 + count)}
        local sold = redis.call('HMGET', KEYS[2], unpack(seats))
        local claimed = redis.call('HMGET', KEYS[5], unpack(seats))
        local stale = {}
        -- The index holds every live lock's expiry: only seats with a live entry have a
        -- lock key worth reading (a free seat, the common case, costs no call of its own).
        local live = redis.call('ZMSCORE', KEYS[1], unpack(seats))
        local current = {}
        local unavailable = {}
        local lapsed = {}
        for i = 1, count do
          current[i] = {}
          if sold[i] or claimed[i] then
            unavailable[#unavailable + 1] = seats[i]
            if not sold[i] and claimOf(claimed[i]) <= now then stale[#stale + 1] = seats[i] end
          elseif live[i] and tonumber(live[i]) > now then
            current[i] = redis.call('HMGET', KEYS[6 + i], 'user_id', 'locked_at', 'token')
            if current[i][1] and current[i][1] ~= user then unavailable[#unavailable + 1] = seats[i] end
          elseif live[i] then
            lapsed[#lapsed + 1] = i
          end
        end
        if #unavailable > 0 then
          remember('unavailable', unavailable, user, now, false)
          local taken = redis.call('HKEYS', KEYS[2])
          for _, seat in ipairs(redis.call('HKEYS', KEYS[5])) do taken[#taken + 1] = seat end
          for _, seat in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
            taken[#taken + 1] = seat
          end
          return {'unavailable', now, unavailable, taken, stale}
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
        local held = redis.call('ZCARD', KEYS[4])
        local added = 0
        for _, score in ipairs(redis.call('ZMSCORE', KEYS[4], unpack(seats))) do
          if not score then added = added + 1 end
        end
        if held + added > tonumber(ARGV[5]) then
          remember('too_many', seats, user, now, false)
          return {'too_many', now, held}
        end
        -- Holds that ran out but were not swept yet end now, at their expiry.
        for _, i in ipairs(lapsed) do
          local expiry = tonumber(live[i])
          remember('expired', {seats[i]}, false, expiry, heldSince({seats[i]}))
        end
        local ttl = tonumber(ARGV[3])
        local maximumHold = tonumber(ARGV[4])
        local token = false
        local reply = {'ok', now, epoch}
        local entries = {}
        local latest = 0
        local began = {}
        for i = 1, count do
          local key = KEYS[6 + i]
          local lockedAt = tonumber(current[i][2])
          local seatToken = current[i][3]
          local expiry
          if lockedAt then
            -- Held already: a fresh TTL, but never an expiry earlier than the one it has.
            expiry = math.max(tonumber(live[i]), math.min(now + ttl, lockedAt + maximumHold))
          else
            if not token then token = redis.call('INCR', KEYS[3]) end
            seatToken = token
            expiry = now + math.min(ttl, maximumHold)
            redis.call('HSET', key, 'user_id', user, 'locked_at', now, 'showtime_id', ARGV[1], 'token', token)
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
        redis.call('ZADD', KEYS[1], unpack(entries))
        redis.call('ZADD', KEYS[4], unpack(entries))
        keepUntil(KEYS[4], latest)
        if #began > 0 then
          local starts = {}
          for _, seat in ipairs(began) do starts[#starts + 1] = seat; starts[#starts + 1] = now end
          redis.call('HSET', KEYS[#KEYS - 2], unpack(starts))
        end
        announce(ARGV[6], {event = 'locked', showtime_id = tonumber(ARGV[1]),
          seats = seats, expires_at = latest, at = now})
        return reply
        """)

    /// Releases the seats this user holds; others' locks are left alone. Strict (ARGV[4]
    /// is '1'): if any seat is sold or held by someone else, nothing is released.
    /// KEYS: index, holds of the user, sold, then one lock key per seat, then the hold
    /// starts, the history and the version.
    /// ARGV: showtime id, user, events channel, strict, then the seat codes.
    /// Reply: {now, {released seats}} or {now, {}, {seats sold or held by others}}
    static let unlock = SeatScript<UnlockOutcome>(name: "unlock", source: now + announce + history + """
        local count = #KEYS - 6
        local owners = {}
        local starts = {}
        local others = {}
        for i = 1, count do
          local lock = redis.call('HMGET', KEYS[3 + i], 'user_id', 'locked_at')
          owners[i] = lock[1]
          starts[i] = tonumber(lock[2])
          if ARGV[4] == '1' and ((owners[i] and owners[i] ~= ARGV[2]) or redis.call('HEXISTS', KEYS[3], ARGV[4 + i]) == 1) then
            others[#others + 1] = ARGV[4 + i]
          end
        end
        if #others > 0 then return {now, {}, others} end
        local released = {}
        local since = false
        for i = 1, count do
          local seat = ARGV[4 + i]
          if owners[i] == ARGV[2] then
            redis.call('DEL', KEYS[3 + i])
            released[#released + 1] = seat
            if starts[i] and (not since or starts[i] < since) then since = starts[i] end
          end
        end
        if #released > 0 then
          redis.call('ZREM', KEYS[1], unpack(released))
          redis.call('ZREM', KEYS[2], unpack(released))
          remember('released', released, ARGV[2], now, since)
          announce(ARGV[3], {event = 'released', showtime_id = tonumber(ARGV[1]), seats = released, at = now})
        end
        return {now, released}
        """)

    /// Gives the user's seats a fresh TTL, all or nothing, capped at the maximum hold; a
    /// hold that ends later already keeps its expiry (an extension never shortens a hold).
    /// KEYS: index, holds of the user, then one lock key per seat, then the version.
    /// ARGV: showtime id, user, ttl ms, maximum hold ms, events channel, then the seat codes.
    /// Reply: {'ok', now, seat, expiry, token, ...} or {'not_owner' | 'expired', now, {seats}}
    static let extend = SeatScript<ExtendOutcome>(name: "extend", source: now + keepUntil + announce + """
        local user = ARGV[2]
        local count = #KEYS - 3
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
          -- Never earlier than now: a hold asked for longer keeps its expiry.
          local expiry = math.max(redis.call('PEXPIRETIME', key),
            math.min(now + ttl, tonumber(redis.call('HGET', key, 'locked_at')) + maximumHold))
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
        announce(ARGV[5], {event = 'extended', showtime_id = tonumber(ARGV[1]),
          seats = seats, expires_at = latest, at = now})
        return reply
        """)

    /// Booking, first step: checks that the user holds every seat, and claims them for the
    /// booking until a deadline. A claimed seat is taken for everybody, the user included,
    /// until `sell` (the database committed) or `settle` (it did not) ends the claim. The
    /// user's own claim may be renewed: a retry after an unanswered booking is safe,
    /// because the database refuses to sell a seat twice.
    /// KEYS: sold, claims, loaded marker, then one lock key per seat, then the version.
    /// ARGV: user, claim window ms, then the seat codes.
    /// Reply: {'ok', now, deadline}
    ///     or {'taken', now, {sold seats}, {seats held or claimed by others},
    ///         {seats of others' claims past their deadline}}
    ///     or {'expired', now, {seats the user no longer holds}}
    ///     or {'not_loaded', now}
    static let claim = SeatScript<ClaimOutcome>(name: "claim", source: now + claims + requireLoaded("KEYS[3]") + """
        local user = ARGV[1]
        local count = #KEYS - 4
        local sold, others, stale, expired = {}, {}, {}, {}
        for i = 1, count do
          local seat = ARGV[2 + i]
          local deadline, claimant = claimOf(redis.call('HGET', KEYS[2], seat))
          local owner = redis.call('HGET', KEYS[3 + i], 'user_id')
          if redis.call('HEXISTS', KEYS[1], seat) == 1 then
            sold[#sold + 1] = seat
          elseif claimant and claimant ~= user then
            others[#others + 1] = seat
            if deadline <= now then stale[#stale + 1] = seat end
          elseif not (claimant and deadline > now) then
            if not owner then
              expired[#expired + 1] = seat
            elseif owner ~= user then
              others[#others + 1] = seat
            end
          end
        end
        if #sold > 0 or #others > 0 then return {'taken', now, sold, others, stale} end
        if #expired > 0 then return {'expired', now, expired} end
        local deadline = now + tonumber(ARGV[2])
        for i = 1, count do redis.call('HSET', KEYS[2], ARGV[2 + i], deadline .. '|' .. user) end
        -- Others now see the seats as taken: the showtime's version grows.
        redis.call('INCR', KEYS[#KEYS])
        return {'ok', now, deadline}
        """)

    /// Booking, last step, once the database has committed the booking: the seats are
    /// sold, their claims and locks go, and everybody is told.
    /// KEYS: index, sold, claims, holds of the user, then one lock key per seat, then the
    /// hold starts, the history and the version.
    /// ARGV: showtime id, events channel, booking id, user, then the seat codes.
    /// Reply: {now}
    static let sell = SeatScript<Applied>(name: "sell", source: now + announce + history + """
        local seats = {unpack(ARGV, 5, #ARGV)}
        for i, seat in ipairs(seats) do
          redis.call('HSET', KEYS[2], seat, ARGV[3])
          redis.call('DEL', KEYS[4 + i])
        end
        redis.call('HDEL', KEYS[3], unpack(seats))
        redis.call('ZREM', KEYS[1], unpack(seats))
        redis.call('ZREM', KEYS[4], unpack(seats))
        remember('booked', seats, ARGV[4], now, heldSince(seats))
        announce(ARGV[2], {event = 'booked', showtime_id = tonumber(ARGV[1]),
          seats = seats, booking_id = tonumber(ARGV[3]), at = now})
        return {now}
        """)

    /// Makes Redis agree with the database: sells seats the database sold (ending their
    /// locks and claims), frees seats Redis believes sold without a booking, and ends
    /// claims whose booking never committed. With `complete`, the sold seats are now
    /// exactly the database's, and the showtime's marker says so.
    /// KEYS: index, sold, claims, loaded marker, then the lock key of each seat to sell, then the version.
    /// ARGV: showtime id, events channel, complete ('1' or '0'), number of seats to sell,
    ///       number of seats to free, then the seats to sell, their booking ids, the seats
    ///       to free, and the seats whose claims end.
    /// Reply: {now}
    static let settle = SeatScript<Applied>(name: "settle", source: now + marker + announce + """
        local selling, freeing = tonumber(ARGV[4]), tonumber(ARGV[5])
        local sold, freed = {}, {}
        for i = 1, selling do
          local seat = ARGV[5 + i]
          local id = ARGV[5 + selling + i]
          local before = redis.call('HGET', KEYS[2], seat)
          redis.call('HSET', KEYS[2], seat, id)
          local changed = redis.call('HDEL', KEYS[3], seat) + redis.call('DEL', KEYS[4 + i]) + redis.call('ZREM', KEYS[1], seat)
          if changed > 0 or before ~= id then sold[#sold + 1] = seat end
        end
        local base = 5 + 2 * selling
        for i = base + 1, base + freeing do
          redis.call('HDEL', KEYS[2], ARGV[i])
          freed[#freed + 1] = ARGV[i]
        end
        for i = base + freeing + 1, #ARGV do
          if redis.call('HDEL', KEYS[3], ARGV[i]) == 1 then freed[#freed + 1] = ARGV[i] end
        end
        -- The marker's time is the epoch of the showtime's holds: it changes only when this
        -- node had not loaded the showtime, not when a second process restores the same seats.
        if ARGV[3] == '1' and not loadedEpoch(KEYS[4]) then redis.call('SET', KEYS[4], now .. '|' .. thisNode()) end
        if #sold > 0 then
          announce(ARGV[2], {event = 'booked', showtime_id = tonumber(ARGV[1]), seats = sold, at = now})
        end
        if #freed > 0 then
          announce(ARGV[2], {event = 'released', showtime_id = tonumber(ARGV[1]), seats = freed, at = now})
        end
        return {now}
        """)

    /// One seat's state as an operator inspects it.
    /// KEYS: sold, claims, then one lock key per seat. ARGV: the seat codes.
    /// Reply: {now, {booking id or false, claim or false, user or false, locked_at, token, expiry ms}, ...}
    static let seatInfo = SeatScript<SeatInfoOutcome>(name: "seat_info", source: now + """
        local reply = {now}
        for i = 3, #KEYS do
          local seat = ARGV[i - 2]
          local lock = redis.call('HMGET', KEYS[i], 'user_id', 'locked_at', 'token')
          reply[#reply + 1] = {redis.call('HGET', KEYS[1], seat) or false, redis.call('HGET', KEYS[2], seat) or false,
            lock[1] or false, lock[2] or false, lock[3] or false, redis.call('PEXPIRETIME', KEYS[i])}
        end
        return reply
        """)

    /// An operator ends holds whoever has them: each seat whose lock still carries the token
    /// the operator saw (so a hold taken since is left alone) is released, as its holder's
    /// own release would be, into the history and to every map.
    /// KEYS: index, then per seat its lock key and its holder's holds, then the hold starts,
    ///       the history and the version.
    /// ARGV: showtime id, events channel, then per seat its code and the token seen.
    /// Reply: {now, {released seats}}
    static let forceUnlock = SeatScript<ForceUnlockOutcome>(name: "force_unlock", source: now + announce + history + """
        local count = (#KEYS - 4) / 2
        local released = {}
        for i = 1, count do
          local lockKey, holdsKey = KEYS[2 * i], KEYS[2 * i + 1]
          local seat, token = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
          local lock = redis.call('HMGET', lockKey, 'user_id', 'locked_at', 'token')
          if lock[1] and lock[3] == token then
            redis.call('DEL', lockKey)
            redis.call('ZREM', KEYS[1], seat)
            redis.call('ZREM', holdsKey, seat)
            released[#released + 1] = seat
            remember('released', {seat}, lock[1], now, tonumber(lock[2]))
          end
        end
        if #released > 0 then
          announce(ARGV[2], {event = 'released', showtime_id = tonumber(ARGV[1]), seats = released, at = now})
        end
        return {now, released}
        """)

    /// What reconciliation compares with the database.
    /// KEYS: index, sold, claims, loaded marker.
    /// Reply: {now, this node's marker present (1 or 0), {seat, booking id, ...} sold,
    ///         {seat, claim, ...} claimed, {seat, ...} live locks}
    static let inspect = SeatScript<InspectOutcome>(name: "inspect", source: now + marker + """
        return {now, loadedEpoch(KEYS[4]) and 1 or 0, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
          redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')}
        """)

    /// Every sold (or claimed) and live-locked seat, and which of the locks are the viewer's.
    /// A seat counts as the viewer's only while its lock key says so: a lock that vanished
    /// early (an eviction, a `PEXPIRE` by hand) leaves a stale entry in the viewer's holds,
    /// and the seat may be someone else's since. Those lock keys are the only keys not in
    /// KEYS (which seats they are is known only here): named from the prefix in ARGV, they
    /// share the showtime's hash tag, and so its slot.
    /// KEYS: index, sold, holds of the viewer, claims, loaded marker, version.
    /// ARGV: the showtime's lock key prefix (`seat_lock:{id}:`), the viewer.
    /// Reply: {now, {sold and claimed seats}, {seat, expiry, ...} locked, {seat, expiry, ...} the viewer's,
    ///         version}
    ///     or {'not_loaded', now}
    static let status = SeatScript<StatusOutcome>(name: "status", source: now + requireLoaded("KEYS[5]") + """
        local live = '(' .. now
        local taken = redis.call('HKEYS', KEYS[2])
        for _, seat in ipairs(redis.call('HKEYS', KEYS[4])) do taken[#taken + 1] = seat end
        local mine = {}
        local held = redis.call('ZRANGEBYSCORE', KEYS[3], live, '+inf', 'WITHSCORES')
        for i = 1, #held, 2 do
          if redis.call('HGET', ARGV[1] .. held[i], 'user_id') == ARGV[2] then
            mine[#mine + 1] = held[i]
            mine[#mine + 1] = held[i + 1]
          end
        end
        return {now, taken, redis.call('ZRANGEBYSCORE', KEYS[1], live, '+inf', 'WITHSCORES'), mine,
          tonumber(redis.call('GET', KEYS[6]) or '0')}
        """)

    /// What `status` would name its revision, without the seats.
    /// KEYS: index, loaded marker, version.
    /// Reply: {now, version, earliest expiry of a live lock (0 without)} or {'not_loaded', now}
    static let revision = SeatScript<RevisionOutcome>(name: "revision", source: now + requireLoaded("KEYS[2]") + """
        local earliest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
        return {now, tonumber(redis.call('GET', KEYS[3]) or '0'), tonumber(earliest[2] or '0')}
        """)

    /// Drops index entries of expired locks and announces them.
    /// KEYS: index, hold starts, history, version. ARGV: showtime id, events channel, most
    /// entries to drop. Each expired hold goes into the history at its expiry.
    /// Reply: {now, {expired seats}}
    static let sweep = SeatScript<SweepOutcome>(name: "sweep", source: now + announce + history + """
        local found = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
        local expired = {}
        for i = 1, #found, 2 do
          expired[#expired + 1] = found[i]
          remember('expired', {found[i]}, false, tonumber(found[i + 1]), heldSince({found[i]}))
        end
        if #expired > 0 then
          redis.call('ZREM', KEYS[1], unpack(expired))
          announce(ARGV[2], {event = 'expired', showtime_id = tonumber(ARGV[1]), seats = expired, at = now})
        end
        return {now, expired}
        """)
}
