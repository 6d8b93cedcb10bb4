import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatBench
import SeatLocking
import SeatRecords
import Synchronization
import Testing
import TestSupport

/// Hundreds of clients, each with a connection of its own, fight over the seats of one
/// showtime for a few seconds. Every answer is logged with the server's times, and the
/// log must show that no seat was ever held by two users at once.
@Suite("Concurrent clients never share a seat")
struct ConcurrentLockingTests {
    static let clients = 200
    static let runTime = Duration.seconds(3)
    static let bookingBudget = 12
    /// Lock attempts each client makes at least, however slowly the machine runs.
    static let minimumRounds = 5
    static let policy = LockPolicy(ttl: .seconds(2), maximumHold: .seconds(3))

    /// Holds every client back until all of them are connected, then lets them race
    /// until the same deadline.
    actor StartLine {
        private let runners: Int
        private var waiting: [CheckedContinuation<ContinuousClock.Instant, Never>] = []

        init(runners: Int) { self.runners = runners }

        func go() async -> ContinuousClock.Instant {
            await withCheckedContinuation { continuation in
                waiting.append(continuation)
                guard waiting.count == runners else { return }
                let deadline = ContinuousClock.now + ConcurrentLockingTests.runTime
                for runner in waiting { runner.resume(returning: deadline) }
                waiting.removeAll()
            }
        }
    }

    /// How many bookings the clients may still make, so some seats stay to fight over.
    final class BookingBudget: Sendable {
        private let used = Atomic<Int>(0)

        func take() -> Bool { used.add(1, ordering: .relaxed).newValue <= ConcurrentLockingTests.bookingBudget }
    }

    struct ClientReport: Sendable {
        var probeFailures: [String] = []
        var unexpectedErrors: [String] = []
        var probes = 0
        var conflicts = 0
    }

    /// Reads a lock key in one round trip: TYPE, HGETALL, PTTL and the server time.
    static let probe = RedisScript(name: "probe", source: """
        local clock = redis.call('TIME')
        return {redis.call('TYPE', KEYS[1])['ok'], redis.call('HGETALL', KEYS[1]), redis.call('PTTL', KEYS[1]),
          tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)}
        """)

    @Test(arguments: RedisKind.allCases) func noSeatIsEverHeldByTwoUsersAtOnce(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 8, seats: 15)
        let url = try await kind.url()
        let catalog = Catalog(showtimes: [showtime])
        let records = try TestRecords.shared()
        let bookings = BookingBudget()
        let start = StartLine(runners: Self.clients)
        let ledger = GrantLedger()

        let reports = await withTaskGroup(of: ClientReport.self) { group in
            for index in 0..<Self.clients {
                group.addTask {
                    let redis = RedisClient(url: url, timeouts: RedisTimeouts(connect: .seconds(10), command: .seconds(10)))
                    defer { redis.close() }
                    let service = SeatLockingService(redis: redis, records: records, catalog: catalog, policy: Self.policy)
                    var report = ClientReport()
                    do {
                        try await redis.send("PING")
                    } catch {
                        report.unexpectedErrors.append("connect: \(error)")
                    }
                    let deadline = await start.go()
                    await Self.runClient(
                        user: "racer-\(index)-\(TestUsers.unique())", service: service, redis: redis,
                        showtime: showtime, until: deadline, bookings: bookings, ledger: ledger, into: &report)
                    return report
                }
            }
            return await group.reduce(into: [ClientReport]()) { $0.append($1) }
        }

        let unexpected = reports.flatMap { $0.unexpectedErrors }
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected errors, such as \(unexpected.prefix(3))")
        let probeFailures = reports.flatMap { $0.probeFailures }
        #expect(probeFailures.isEmpty, "\(probeFailures.count) bad lock keys, such as \(probeFailures.prefix(3))")

        #expect(reports.map(\.conflicts).reduce(0, +) > 0, "clients really competed for seats")
        // What Redis should show now, from the ledger, before its last checks empty it.
        let latest = ledger.latestHolds(showtime: showtime.id)
        let checked = ledger.finish()
        #expect(checked.grants >= Self.clients / 2, "enough grants to prove something: \(checked.grants)")
        #expect(reports.map(\.probes).reduce(0, +) >= checked.grants / 4, "many grants were checked in Redis")
        #expect(
            checked.violations.isEmpty,
            "\(checked.violations.count) seats held by two users at once, sold twice, or tokens given twice or out of order, such as \(checked.violations.prefix(3))")

        let disagreements = try await Self.disagreements(
            sold: Set(ledger.sales(showtime: showtime.id).sold.keys), latest: latest, showtime: showtime, on: kind)
        #expect(disagreements.isEmpty, "Redis disagrees with the ledger: \(disagreements.prefix(3))")
    }

    /// Locks random overlapping blocks until the deadline, and sometimes extends,
    /// unlocks or books what it holds; checks each fresh grant in Redis.
    static func runClient(
        user: String, service: SeatLockingService, redis: RedisClient, showtime: Showtime,
        until deadline: ContinuousClock.Instant, bookings: BookingBudget, ledger: GrantLedger, into report: inout ClientReport
    ) async {
        var held: [SeatCode: Int64] = [:]
        let rows = showtime.layout.rows
        var rounds = 0
        while rounds < minimumRounds || ContinuousClock.now < deadline {
            rounds += 1
            let row = rows.randomElement()!.seats
            let count = Int.random(in: 1...3)
            let start = Int.random(in: 0...(row.count - count))
            let wanted = row[start..<(start + count)].map(\.code)
            let ttl = Duration.milliseconds(Int.random(in: 1_000...2_000))
            do {
                let grant = try await service.lock(wanted, showtime: showtime.id, user: user, ttl: ttl)
                ledger.held(grant)
                for seat in grant.seats { held[seat.code] = seat.token }
                await probe(grant, ttl: ttl, user: user, showtime: showtime.id, redis: redis, into: &report)
            } catch {
                record(error, into: &report)
            }

            let mine = held.keys.shuffled().prefix(Int.random(in: 1...3)).sorted()
            guard !mine.isEmpty else { continue }
            let choice = Double.random(in: 0..<1)
            do {
                if choice < 0.35 {
                    let release = try await service.unlock(mine, showtime: showtime.id, user: user)
                    ledger.released(release, user: user)
                    for seat in mine { held[seat] = nil }
                } else if choice < 0.6 {
                    let grant = try await service.extend(mine, showtime: showtime.id, user: user, ttl: ttl)
                    ledger.held(grant)
                } else if choice < 0.65, bookings.take() {
                    let booking = try await service.book(mine, showtime: showtime.id, user: user)
                    ledger.booked(booking)
                    for seat in booking.seats { held[seat] = nil }
                }
            } catch {
                record(error, into: &report)
                for seat in error.seats { held[seat] = nil }
            }
        }
    }

    private static func record(_ error: any Error, into report: inout ClientReport) {
        switch error as? SeatLockingError {
        case .seatsUnavailable?, .tooManySeats?: report.conflicts += 1
        case .lockExpired?, .notLockOwner?: break
        default: report.unexpectedErrors.append("\(error)")
        }
    }

    /// Right after a grant, each lock key is a HASH naming this user and token, with
    /// 0 < PTTL ≤ the time left to the grant's expiry (which may be later than the TTL
    /// asked for: a hold held already never gets shorter), unless the server's clock has
    /// already passed its expiry.
    private static func probe(
        _ grant: LockGrant, ttl: Duration, user: String, showtime: Int, redis: RedisClient, into report: inout ClientReport
    ) async {
        for seat in grant.seats {
            let key = RedisKeyNames(showtime: showtime).lock(seat.code.text)
            do {
                let parts = try await redis.evaluate(probe, keys: [key], arguments: []).array ?? []
                guard parts.count == 4, let now = parts[3].int else {
                    report.probeFailures.append("\(key): odd probe reply \(parts)")
                    continue
                }
                guard now < seat.expiresAt.milliseconds else { continue }
                report.probes += 1
                let flat = parts[1].array?.compactMap(\.string) ?? []
                let fields = Dictionary(uniqueKeysWithValues: stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) })
                let pttl = parts[2].int ?? -3
                let lockedAt = fields["locked_at"].flatMap { Int64($0) }
                if parts[0].string != "hash" || fields["user_id"] != user || fields["token"] != String(seat.token)
                    || fields["showtime_id"] != String(showtime) || lockedAt == nil || lockedAt! > now
                    || !(1...min(seat.expiresAt.milliseconds - now + 1, Self.policy.maximumHold.milliseconds)).contains(pttl) {
                    report.probeFailures.append("\(key) \(parts[0]) \(fields) PTTL \(pttl) for \(user) token \(seat.token)")
                }
            } catch {
                report.unexpectedErrors.append("probe: \(error)")
            }
        }
    }

    /// Where Redis, after the run, disagrees with the ledger about sold seats or about the
    /// owners and tokens of the locks still alive.
    static func disagreements(
        sold soldByLedger: Set<SeatCode>, latest: [SeatCode: GrantLedger.LatestHold], showtime: Showtime, on kind: RedisKind
    ) async throws -> [String] {
        let redis = try await kind.client()
        defer { redis.close() }
        var found: [String] = []
        let sold = Set(try await redis.hash(RedisKeyNames(showtime: showtime.id).sold).keys.compactMap { SeatCode(canonical: $0) })
        if sold != soldByLedger { found.append("sold in Redis \(sold.sorted()), by the ledger \(soldByLedger.sorted())") }
        for seat in showtime.layout.seats {
            let fields = try await redis.hash(RedisKeyNames(showtime: showtime.id).lock(seat.code.text))
            guard !fields.isEmpty else { continue }
            if fields["user_id"] != latest[seat.code]?.user || fields["token"] != latest[seat.code].map({ String($0.token) }) {
                found.append("\(seat.code) is locked in Redis as \(fields), the ledger's last grant is \(String(describing: latest[seat.code]))")
            }
        }
        return found
    }
}
