import CinebookModel

extension SeatLockingService {
    /// Checks, atomically, that every lock has a TTL and an index entry with its expiry,
    /// that every live index entry has its lock, and that no sold seat is locked. Whether
    /// the sold seats are the database's is reconciliation's question.
    public func audit(showtime id: Int) async throws(SeatLockingError) -> AuditReport {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let keys = SeatKeys(showtime: id)
        let seats = showtime.layout.seats.map(\.code)
        let reply = try await run(
            Self.auditScript, keys: [keys.index, keys.sold] + seats.map(keys.lock),
            arguments: seats.map(\.text), Request(showtime: showtime, user: "", seats: []))
        return AuditReport(showtimeID: id, problems: reply.problems, locks: reply.locks, sold: reply.sold)
    }

    /// KEYS: index, sold, then the lock key of every seat of the layout.
    /// ARGV: every seat code in the same order.
    /// Reply: {{problems}, live locks, sold seats}
    static let auditScript = SeatScript<AuditOutcome>(name: "audit", source: """
        -- Server time now, read afresh: a long audit must not compare with its start.
        local function now()
          local clock = redis.call('TIME')
          return tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        end
        local problems = {}
        local locks = 0
        local known = {}
        for i = 3, #KEYS do
          local seat = ARGV[i - 2]
          known[seat] = true
          -- The absolute expiry, so that the comparison does not depend on when it is made.
          local expiry = redis.call('PEXPIRETIME', KEYS[i])
          local score = redis.call('ZSCORE', KEYS[1], seat)
          if expiry == -1 then problems[#problems + 1] = seat .. ': lock without TTL' end
          if expiry >= 0 then
            locks = locks + 1
            if not score then
              problems[#problems + 1] = seat .. ': lock missing from the index'
            elseif tonumber(score) ~= expiry then
              problems[#problems + 1] = seat .. ': index expiry differs from the lock TTL'
            end
            if redis.call('HEXISTS', KEYS[2], seat) == 1 then problems[#problems + 1] = seat .. ': sold and locked' end
          elseif score and tonumber(score) > now() then
            problems[#problems + 1] = seat .. ': index entry without a lock'
          end
        end
        for _, seat in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          if not known[seat] then problems[#problems + 1] = seat .. ': index entry for no seat of the layout' end
        end
        return {problems, locks, redis.call('HLEN', KEYS[2])}
        """)
}
