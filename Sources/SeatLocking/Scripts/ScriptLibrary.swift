/// Lua the seat scripts share. Time comes from the server (`TIME`), never from a client;
/// all of a showtime's keys share its hash tag. The functions read the keys their scripts
/// name: `versionKey`, `startsKey`, `historyKey` and `loadedKey`.
enum ScriptLibrary {
    static let now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

        """

    /// For the scripts that give holds: a holds set lives as long as its longest hold, its
    /// expiry only ever grows (GT), and a set just created (no expiry yet) gets one.
    static let keepUntil = """
        local function keepUntil(key, expiry)
          if redis.call('PEXPIREAT', key, expiry, 'GT') == 0 and redis.call('PTTL', key) == -1 then
            redis.call('PEXPIREAT', key, expiry)
          end
        end

        """

    /// Every change of what a seat map shows: the showtime's version (`versionKey`) grows by one, and
    /// the event goes out with it on the showtime's channel.
    static let announce = """
        local function announce(channel, event)
          event.version = redis.call('INCR', versionKey)
          redis.call('SPUBLISH', channel, cjson.encode(event))
        end

        """

    /// The hold history: when each seat's latest hold began (`startsKey`, a hash of at most
    /// one entry per seat, overwritten by the next hold), and each hold's end or refused
    /// lock in the showtime's capped stream (`historyKey`), in the same step as the change
    /// itself. A hold's start is its end less `held_ms`.
    static let history = """
        local function heldSince(seats)
          if #seats == 0 then return false end
          local earliest = false
          for _, value in ipairs(redis.call('HMGET', startsKey, unpack(seats))) do
            local at = tonumber(value)
            if at and (not earliest or at < earliest) then earliest = at end
          end
          return earliest
        end
        local function remember(event, seats, user, at, since)
          local fields = {'event', event, 'seats', table.concat(seats, ' '), 'at', at}
          if user then fields[#fields + 1] = 'user'; fields[#fields + 1] = user end
          if since then fields[#fields + 1] = 'held_ms'; fields[#fields + 1] = at - since end
          redis.call('XADD', historyKey, 'MAXLEN', '~', '\(HoldHistory.capacity)', '*', unpack(fields))
        end

        """

    /// Seats being booked: `<deadline ms>|<user>` in the claims hash.
    static let claims = """
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
    /// again and a new epoch begins. The node is `CLUSTER MYID`, empty on one Redis. There
    /// `CLUSTER MYID` would be an error reply, which Redis counts in its error statistics
    /// (`errorstat_ERR`, `total_error_replies`) on every call, so `INFO cluster` tells the
    /// two apart first.
    static let marker = """
        local function thisNode()
          local info = redis.pcall('INFO', 'cluster')
          if type(info) == 'string' and not string.find(info, 'cluster_enabled:1', 1, true) then return '' end
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

    /// For the scripts that need the sold seats: `not_loaded` until the marker (`loadedKey`)
    /// is this node's.
    static let requireLoaded = marker + """
        local epoch = loadedEpoch(loadedKey)
        if not epoch then return {'not_loaded', now} end

        """
}
