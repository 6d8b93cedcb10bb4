import CinebookModel
import CinebookSupport
import Foundation
import Logging
import RedisClient
import SeatRecords

/// The seat-locking core: every front end (terminal, command line, HTTP, cleanup job)
/// calls these operations. Holds live in Redis, each operation one Lua script, one round
/// trip; a sale is committed in the database of record before anybody is told of it.
public struct SeatLockingService: Sendable {
    public let catalog: Catalog
    public private(set) var policy: LockPolicy
    let redis: RedisClient
    /// The database of record.
    public let records: any SalesRecord
    let logger: Logger
    /// The showtimes' event subscriptions, shared by every listener of this service.
    let feeds = SeatFeedHub()
    /// Signs and checks waiting-room passes.
    let passes = RoomPasses()
    /// Failed operations that Redis could not take into the history yet.
    let pendingFailures = HoldHistory.PendingFailures()
    #if CINEBOOK_CRASH_POINTS
    /// Debug builds only, for the crash tests: the booking step after which this process
    /// kills itself.
    public var crashAfter: BookingStep?
    #endif
    /// What the operations count and time.
    public let metrics: SeatMetrics

    /// The Redis this service works on.
    public var redisURL: RedisURL { redis.configuration.url }

    public init(
        redis: RedisClient, records: any SalesRecord, catalog: Catalog, policy: LockPolicy = LockPolicy(),
        logger: Logger = Logger(label: "cinebook.core"), metrics: SeatMetrics = .disabled
    ) {
        self.metrics = metrics
        self.redis = redis
        self.records = records
        self.catalog = catalog
        self.policy = policy
        self.logger = logger
    }

    /// Locks all the seats for the user, or none. Seats the user already holds count as
    /// success and get a fresh TTL (never past the maximum hold, never earlier than before).
    ///
    /// `orNearest`: when the seats were just taken, hold the nearest equivalent block
    /// instead, in the same script call; the grant names the seats it replaces. The blocks
    /// come from a read of the hall just before, so they keep the rules of best available.
    ///
    /// `pass`: the waiting room's pass, for a showtime whose room is on (see `joinRoom`).
    ///
    /// `party`: the seats are held for the user's party, with the user sitting in them.
    public func lock(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil, ttl: Duration? = nil, orNearest: Bool = false,
        pass: String? = nil
    ) async throws(SeatLockingError) -> LockGrant {
        try await counted(.lock, showtime: id, seats: seats, user: user) { () throws(SeatLockingError) in
            let (request, ttl) = try holdRequest(seats, showtime: id, user: user, party: party, ttl: ttl)
            let boxOffice = request.seats.filter(request.showtime.occupied.contains)
            guard orNearest else {
                if !boxOffice.isEmpty { throw refusal(boxOffice, request, taken: try await takenSeats(showtime: id)) }
                return try await grantFirstFree(of: [request.seats], request, ttl: ttl, pass: pass)
            }
            return try await inRounds { () throws(SeatLockingError) in
                let nearest = try await nearestBlocks(to: request)
                return try await grantFirstFree(of: (boxOffice.isEmpty ? [request.seats] : []) + nearest, request, ttl: ttl, pass: pass)
            }
        }
    }

    /// Runs a hold of one of several blocks again while it is refused because every block
    /// went to others between the read of the hall and the lock and free blocks remain (the
    /// refusal suggests some), up to `bestRounds` times in all. A round is lost only when all
    /// of its blocks went, so a party that loses ten has watched the hall as good as sell out.
    func inRounds(_ attempt: () async throws(SeatLockingError) -> LockGrant) async throws(SeatLockingError) -> LockGrant {
        for _ in 1..<Self.bestRounds {
            do {
                return try await attempt()
            } catch .seatsUnavailable(let seats, let suggestions) where !suggestions.isEmpty {
                logger.debug("every block taken meanwhile", metadata: ["seats": "\(seats)"])
            }
        }
        return try await attempt()
    }

    /// Reads of the hall one hold of several blocks may take (`inRounds`).
    static let bestRounds = 10

    /// Blocks as large as the request, nearest to it first, of seats free in the hall now
    /// (best available near the request, not the request itself).
    private func nearestBlocks(to request: Request) async throws(SeatLockingError) -> [[SeatCode]] {
        let wish = SeatWish(count: request.seats.count, near: request.seats.compactMap(request.showtime.layout.seat))
        let offers = try await best(
            wish, showtime: request.showtime.id, viewer: request.party?.member ?? request.user, party: request.party?.code,
            limit: Self.blocksPerCall + 1).offers
        return Array(offers.map(\.codes).filter { Set($0) != Set(request.seats) }.prefix(Self.blocksPerCall))
    }

    /// How many blocks one lock call may fall back through: enough that a rush rarely takes
    /// them all between the read of the hall and the lock, few enough to keep the call small.
    static let blocksPerCall = 8

    /// Holds the first of `choices` (blocks of one size, in order of preference) that is
    /// wholly free or the user's, in one script call: the first choice is what was asked
    /// for, and a grant of another names it as replaced. A showtime's waiting room lets it
    /// through, or refuses it, in the same call.
    func grantFirstFree(of choices: [[SeatCode]], _ request: Request, ttl: Duration, pass: String?) async throws(SeatLockingError) -> LockGrant {
        guard !choices.isEmpty else { throw .seatsUnavailable(request.seats, suggestions: []) }
        let id = request.showtime.id
        let admission = try await admission(for: request, pass: pass)
        let input = LockInput(
            keys: SeatKeys(showtime: id), user: request.user, party: request.party, choices: choices, ttl: ttl,
            policy: policy, admission: admission)
        var outcome = try await runLoaded(SeatScripts.lock, input, request, write: true)
        if case let .unavailable(_, _, staleClaims) = outcome, !staleClaims.isEmpty {
            // A booking claim passed its deadline: the database says whether it sold.
            try await reconcile(showtime: id, repair: true)
            outcome = try await runLoaded(SeatScripts.lock, input, request, write: true)
        }
        switch outcome {
        case let .granted(serverTime, epoch, seats):
            let held = Set(seats.map(\.code))
            let replacing = held == Set(request.seats) ? [] : request.seats
            let grant = LockGrant(showtimeID: id, user: request.user, seats: seats, serverTime: serverTime, epoch: epoch, replacing: replacing)
            logger.debug("locked", metadata: request.metadata(["expires_at": "\(grant.expiresAt)", "replacing": "\(replacing)"]))
            return grant
        case let .unavailable(seats, taken, _):
            let error = refusal(seats.isEmpty ? request.seats : seats, request, taken: taken.union(request.showtime.occupied))
            logger.debug("lock refused: seats unavailable", metadata: request.metadata(["unavailable": "\(error.seats)"]))
            throw error
        case let .tooMany(held):
            logger.debug("lock refused: seat limit", metadata: request.metadata(["held": "\(held)"]))
            throw .tooManySeats(requested: request.seats.count, alreadyHeld: held, limit: policy.maximumSeatsPerUser)
        case let .refusedByRoom(reason, opensAt):
            logger.debug("lock refused by the waiting room", metadata: request.metadata(["reason": "\(reason)"]))
            throw roomRefusal(reason, opensAt: opensAt, showtime: request.showtime)
        case .notPartyMember:
            throw refused(.party(.notMember(request.party!.code)), request)
        }
    }

    /// Releases those of the seats that the user holds; returns which. Idempotent.
    ///
    /// `strict` refuses instead (`notLockOwner`, nothing released) when any seat is sold or
    /// held by someone else, as the HTTP API answers 409; the check and the release are
    /// one script.
    public func unlock(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil, strict: Bool = false
    ) async throws(SeatLockingError) -> Release {
        let release = try await counted(.unlock, showtime: id, seats: seats, user: user) { () throws(SeatLockingError) in
            try await releaseLocks(seats, showtime: id, user: user, party: party, strict: strict)
        }
        metrics.holdsEnded(.released, seats: release.released.count)
        return release
    }

    private func releaseLocks(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode?, strict: Bool
    ) async throws(SeatLockingError) -> Release {
        let request = try validated(seats, showtime: id, user: user, party: party)
        try await requireMembership(request)
        return try await release(request, strict: strict)
    }

    /// Releases those of the request's seats its holder holds (a person, or a party).
    func release(_ request: Request, strict: Bool) async throws(SeatLockingError) -> Release {
        if strict {
            let boxOffice = request.seats.filter(request.showtime.occupied.contains)
            guard boxOffice.isEmpty else { throw .notLockOwner(boxOffice) }
        }
        let outcome = try await run(
            SeatScripts.unlock,
            UnlockInput(keys: SeatKeys(showtime: request.showtime.id), user: request.user, seats: request.seats, strict: strict),
            request, write: true)
        if strict, !outcome.heldByOthers.isEmpty { throw .notLockOwner(outcome.heldByOthers) }
        let release = Release(showtimeID: request.showtime.id, released: outcome.released, serverTime: outcome.serverTime)
        logger.debug("unlocked", metadata: request.metadata(["released": "\(release.released)"]))
        return release
    }

    /// Gives every seat a fresh TTL, or none: each must still be held by the user.
    /// An expired lock is not recreated; no hold grows past the maximum hold time, and
    /// none ends earlier than it did (a hold asked for longer keeps its expiry).
    public func extend(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode? = nil, ttl: Duration? = nil
    ) async throws(SeatLockingError) -> LockGrant {
        try await counted(.extend, showtime: id, seats: seats, user: user) { () throws(SeatLockingError) in
            try await extendLocks(seats, showtime: id, user: user, party: party, ttl: ttl)
        }
    }

    private func extendLocks(
        _ seats: [SeatCode], showtime id: Int, user: String, party: PartyCode?, ttl: Duration?
    ) async throws(SeatLockingError) -> LockGrant {
        let (request, ttl) = try holdRequest(seats, showtime: id, user: user, party: party, ttl: ttl)
        try await requireMembership(request)
        let outcome = try await run(
            SeatScripts.extend, ExtendInput(keys: SeatKeys(showtime: id), user: request.user, seats: request.seats, ttl: ttl, policy: policy),
            request, write: true)
        let grant: LockGrant
        switch outcome {
        case let .extended(serverTime, seats): grant = LockGrant(showtimeID: id, user: request.user, seats: seats, serverTime: serverTime)
        case let .notOwner(seats): throw refused(.notLockOwner(seats), request)
        case let .expired(seats): throw refused(.lockExpired(seats), request)
        }
        logger.debug("extended", metadata: request.metadata(["expires_at": "\(grant.expiresAt)"]))
        return grant
    }

    /// Every seat of the showtime in one of four states, as `viewer` sees it.
    /// With `party`, the viewer sees the party's seats as theirs.
    public func status(showtime id: Int, viewer: String? = nil, party: PartyCode? = nil) async throws(SeatLockingError) -> ShowtimeStatus {
        try await withinTimeout { () async throws(SeatLockingError) in try await readStatus(showtime: id, viewer: viewer, party: party) }
    }

    private func readStatus(showtime id: Int, viewer: String?, party: PartyCode? = nil) async throws(SeatLockingError) -> ShowtimeStatus {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let person = try viewer.map(Self.validatedUser)
        var viewer = person
        if let party, let member = person {
            try await requireMembership(Request(showtime: showtime, user: member, seats: [], party: .init(code: party, member: member)))
            viewer = party.holder
        }
        let outcome = try await runLoaded(
            SeatScripts.status, StatusInput(keys: SeatKeys(showtime: id), viewer: viewer ?? "", chooser: person),
            Request(showtime: showtime, user: viewer ?? "", seats: []))
        let seats = showtime.layout.seats.map { seat -> SeatStatus in
            if outcome.taken.contains(seat.code) || showtime.occupied.contains(seat.code) {
                return SeatStatus(seat: seat, state: .occupied, expiresAt: nil)
            }
            if let expiry = outcome.mine[seat.code] { return SeatStatus(seat: seat, state: .selected, expiresAt: expiry) }
            if outcome.locked[seat.code] != nil { return SeatStatus(seat: seat, state: .locked, expiresAt: nil) }
            if let until = outcome.choosing[seat.code] { return SeatStatus(seat: seat, state: .choosing, expiresAt: until) }
            return SeatStatus(seat: seat, state: .available, expiresAt: nil)
        }
        let nextExpiry = (outcome.locked.values.map(\.milliseconds) + outcome.choosing.values.map(\.milliseconds)).min() ?? 0
        return ShowtimeStatus(
            showtime: showtime, viewer: viewer, seats: seats, serverTime: outcome.serverTime,
            revision: ShowtimeRevision(version: outcome.version, nextExpiry: nextExpiry))
    }

    /// The revision of the showtime's seat map now, in one small script, to learn whether
    /// a map loaded earlier is still current; nil when Redis must first load the showtime.
    public func revision(showtime id: Int) async throws(SeatLockingError) -> (revision: ShowtimeRevision, serverTime: Date)? {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let outcome = try await run(
            SeatScripts.revision, RevisionInput(keys: SeatKeys(showtime: id)), Request(showtime: showtime, user: "", seats: []))
        switch outcome {
        case let .current(revision, serverTime): return (revision, serverTime)
        case .notLoaded: return nil
        }
    }

    /// Removes the index entries of expired locks in every showtime and publishes an
    /// `expired` event for each showtime that had some.
    public func sweep() async throws(SeatLockingError) -> SweepReport {
        let batch = 1000
        var expired: [Int: [SeatCode]] = [:]
        for showtime in catalog.showtimes {
            let input = SweepInput(keys: SeatKeys(showtime: showtime.id), batch: batch)
            var found: [SeatCode]
            repeat {
                found = try await run(SeatScripts.sweep, input, Request(showtime: showtime, user: "", seats: [])).expired
                expired[showtime.id, default: []].append(contentsOf: found)
            } while found.count == batch
        }
        let report = SweepReport(expired: expired.filter { !$0.value.isEmpty })
        metrics.holdsEnded(.expired, seats: report.total)
        logger.debug("swept", metadata: ["expired": "\(report.total)"])
        return report
    }

    /// Every seat that is not available to anybody now, for the suggestions of a refusal.
    func takenSeats(showtime id: Int) async throws(SeatLockingError) -> Set<SeatCode> {
        Set(try await status(showtime: id, viewer: nil).seats.filter { !$0.state.isFree }.map(\.seat.code))
    }

    /// A conflict answer: the unavailable seats, and up to three ranked sets of free seats
    /// near the ones asked for.
    func refusal(_ unavailable: [SeatCode], _ request: Request, taken: Set<SeatCode>) -> SeatLockingError {
        let layout = request.showtime.layout
        let wish = SeatWish(count: request.seats.count, near: request.seats.compactMap(layout.seat))
        let offers = BestSeats(layout: layout, unavailable: taken).offers(for: wish)
        return .seatsUnavailable(unavailable, suggestions: offers.map(\.codes))
    }

    /// A refusal, logged.
    func refused(_ error: SeatLockingError, _ request: Request) -> SeatLockingError {
        logger.debug("refused: \(error.code)", metadata: request.metadata(["refused": "\(error.seats)"]))
        return error
    }

    /// Runs a script that needs the showtime's sold seats: when Redis has lost them
    /// (`not_loaded`), they are loaded from the database and the script runs again.
    func runLoaded<Input, Outcome>(
        _ script: SeatScript<Input, Outcome>, _ input: Input, _ request: Request, write: Bool = false
    ) async throws(SeatLockingError) -> Outcome {
        let reply = try await evaluate(script, input, request, write: write)
        guard reply.isNotLoaded else { return try Outcome(reading: reply) }
        logger.debug("loading the showtime's sold seats from the database (first use, or Redis lost them)", metadata: request.metadata())
        try await reconcile(showtime: request.showtime.id, repair: true)
        let again = try await evaluate(script, input, request, write: write)
        guard !again.isNotLoaded else { throw .redisUnavailable("Redis keeps losing the showtime's data") }
        return try Outcome(reading: again)
    }

    /// Runs a script and reads its outcome.
    func run<Input, Outcome>(
        _ script: SeatScript<Input, Outcome>, _ input: Input, _ request: Request, write: Bool = false
    ) async throws(SeatLockingError) -> Outcome {
        try Outcome(reading: try await evaluate(script, input, request, write: write))
    }

    /// Runs a script, turning every Redis failure into `redisUnavailable` or `internalError`;
    /// a `write` whose answer never came into `outcomeUnknown`, since it may have happened.
    private func evaluate<Input, Outcome>(
        _ script: SeatScript<Input, Outcome>, _ input: Input, _ request: Request, write: Bool
    ) async throws(SeatLockingError) -> ScriptReply {
        let started = ContinuousClock.now
        defer { metrics.script(script.name, took: ContinuousClock.now - started) }
        do {
            let call = script.call(input)
            return ScriptReply(try await redis.evaluate(script.redis, keys: call.keys, arguments: call.arguments))
        } catch let error as RedisConnectionError where write && (error.kind == .timeout || error.kind == .broken) {
            logger.error("Redis did not answer a write", metadata: request.metadata(["operation": "\(script.name)", "error": "\(error)"]))
            throw .outcomeUnknown(error.description)
        } catch {
            throw redisFailure(error, operation: script.name, request.metadata())
        }
    }

    /// A failed Redis call in the core's words: Redis unreachable or unable to serve
    /// (`redisUnavailable`), else a bug (`internalError`); logged with `metadata`.
    func redisFailure(_ error: any Error, operation: String, _ metadata: Logger.Metadata) -> SeatLockingError {
        var metadata = metadata
        metadata["operation"] = "\(operation)"
        metadata["error"] = "\(error)"
        switch error {
        case let error as RedisConnectionError:
            logger.error("Redis unavailable", metadata: metadata)
            return .redisUnavailable(error.description)
        case let error as RedisServerError where Self.unavailableCodes.contains(error.code):
            logger.error("Redis unavailable", metadata: metadata)
            return .redisUnavailable(error.message)
        default:
            logger.error("Redis call failed", metadata: metadata)
            return .internalError("\(operation): \(error)")
        }
    }

    /// Runs `work` as one operation within the Redis timeout: its round trips, retries and
    /// reconnects together wait no longer (`RedisDeadline`). An operation that another one
    /// calls shares its caller's time; so do the operations of a command run in `work`.
    public func withinTimeout<Value, Failure: Error>(_ work: () async throws(Failure) -> Value) async throws(Failure) -> Value {
        try await RedisDeadline.within(redis.configuration.timeouts.command, work)
    }

    /// A Redis that may evict keys without a TTL could forget sold seats. Read within half
    /// the timeout, so that a hung server leaves an operation after it time to be sent.
    public func evictionPolicy() async -> EvictionPolicy {
        await EvictionPolicy.read(from: redis, within: redis.configuration.timeouts.command / 2)
    }

    /// Runs one seat operation within the timeout, and counts how it ended.
    func counted<Value>(
        _ operation: SeatMetrics.Operation, showtime: Int, seats: [SeatCode], user: String,
        _ work: () async throws(SeatLockingError) -> Value
    ) async throws(SeatLockingError) -> Value {
        try await withinTimeout { () async throws(SeatLockingError) in
            try await countedOnce(operation, showtime: showtime, seats: seats, user: user, work)
        }
    }

    private func countedOnce<Value>(
        _ operation: SeatMetrics.Operation, showtime: Int, seats: [SeatCode], user: String,
        _ work: () async throws(SeatLockingError) -> Value
    ) async throws(SeatLockingError) -> Value {
        do {
            let value = try await work()
            metrics.record(operation, nil)
            // Redis answers again: failures noted meanwhile go into the history.
            if !pendingFailures.isEmpty { try? await writePendingFailures() }
            return value
        } catch {
            metrics.record(operation, error)
            await recordFailure(operation, error, showtime: showtime, seats: seats, user: user)
            throw error
        }
    }

    /// A call to the database of record, timed.
    func database<Value, Failure: Error>(
        _ operation: String, _ call: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let started = ContinuousClock.now
        defer { metrics.database(operation, took: ContinuousClock.now - started) }
        return try await call()
    }

    /// The same core, holding by the rules of a tier (`HoldTiers`): its hold length,
    /// maximum and seat limit.
    public func holding(by tier: String?, of tiers: HoldTiers) -> SeatLockingService {
        var service = self
        service.policy = tiers.policy(policy, tier: tier)
        return service
    }

    /// Server errors that mean "not now" rather than a bug.
    private static let unavailableCodes: Set<String> = [
        "LOADING", "BUSY", "OOM", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "NOAUTH", "NOREPLICAS", "MISCONF",
    ]
}
