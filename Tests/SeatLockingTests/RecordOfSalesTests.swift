import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatLocking
import SeatRecords
import SeatRecordsPostgres
import Testing
import TestSupport

/// The database of record is the last fence: whatever happens to Redis, a seat is sold
/// once, every confirmed booking is kept, and Redis learns the sold seats again before it
/// grants another lock. Each test runs on SQLite and on PostgreSQL.
@Suite("The database of record fences every sale")
struct RecordOfSalesTests {
    @Test(arguments: RecordsKind.allCases)
    func aFlushedRedisGetsItsSoldSeatsBackBeforeTheNextLock(kind: RecordsKind) async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url)
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let service = SeatLockingService(redis: redis, records: try await kind.shared(), catalog: Catalog(showtimes: [showtime]))
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        let booking = try await service.book(["A1", "A2"], showtime: showtime.id, user: alice)
        _ = try await redis.send("FLUSHALL")

        let error = await #expect(throws: SeatLockingError.self) {
            try await service.lock(["A2", "A3"], showtime: showtime.id, user: bob)
        }
        #expect(error?.code == "seats_unavailable")
        #expect(error?.seats == ["A2"], "the sold seat came back from the database before the lock")
        #expect(try await redis.hash(keys.sold) == ["A1": String(booking.id), "A2": String(booking.id)])
        let status = try await service.status(showtime: showtime.id, viewer: bob)
        #expect(status.state(of: "A1") == .occupied)
        #expect(status.state(of: "A3") == .available, "nothing else changed")

        _ = try await redis.send("FLUSHALL")
        #expect(try await service.book(["A1", "A2"], showtime: showtime.id, user: alice) == booking,
            "booking again what was booked answers with the booking, also after Redis forgot it")
        #expect(try await service.bookings(showtime: showtime.id, user: nil) == [booking])
    }

    /// The sales marker names no node on one Redis. Asking for one there (`CLUSTER MYID`)
    /// is an error reply, which Redis counts in the error statistics an operator's
    /// monitoring reads; seat operations, and the marker written again after a flush,
    /// add no error to them.
    @Test func seatOperationsOnOneRedisAddNoErrorToItsStatistics() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url)
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let alice = TestUsers.unique("alice")

        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        _ = try await service.status(showtime: showtime.id, viewer: alice)
        _ = try await service.extend(["A1"], showtime: showtime.id, user: alice)
        _ = try await service.unlock(["A2"], showtime: showtime.id, user: alice)
        _ = try await service.book(["A1"], showtime: showtime.id, user: alice)
        _ = try await redis.send("FLUSHALL")
        _ = try await service.lock(["B1"], showtime: showtime.id, user: alice)
        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A1") == .occupied && status.state(of: "B1") == .selected, "the marker was written again")

        // A script Redis has not seen yet answers NOSCRIPT once, and is loaded: that error is
        // how scripts are loaded, on a fresh server or after a restart. No other may come.
        let errors = try #require(try await redis.send("INFO", "errorstats").string).split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("errorstat_") && !$0.hasPrefix("errorstat_NOSCRIPT:") }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test(arguments: RecordsKind.allCases)
    func twoRedisServersWithOneDatabaseSellASeatOnce(kind: RecordsKind) async throws {
        let other = try RedisTestServer()
        defer { other.stop() }
        let records = try await kind.shared()
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let catalog = Catalog(showtimes: [showtime])
        let first = RedisClient(url: try RedisTestServer.shared().url)
        let second = RedisClient(url: other.url)
        defer { first.close(); second.close() }
        let one = SeatLockingService(redis: first, records: records, catalog: catalog)
        let two = SeatLockingService(redis: second, records: records, catalog: catalog)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        // Each Redis grants its own hold on the same seat: a split brain.
        _ = try await one.lock(["B3", "B4"], showtime: showtime.id, user: alice)
        _ = try await two.lock(["B4", "B5"], showtime: showtime.id, user: bob)
        async let alices = outcome { () async throws(SeatLockingError) in try await one.book(["B3", "B4"], showtime: showtime.id, user: alice) }
        async let bobs = outcome { () async throws(SeatLockingError) in try await two.book(["B4", "B5"], showtime: showtime.id, user: bob) }
        let outcomes = await [alices, bobs]

        let sold = outcomes.compactMap { try? $0.get() }
        #expect(sold.count == 1, "exactly one booking of B4 succeeds: \(outcomes)")
        let refused = outcomes.compactMap { outcome -> SeatLockingError? in
            if case let .failure(error) = outcome { return error } else { return nil }
        }
        #expect(refused.map(\.code) == ["seats_unavailable"])
        #expect(refused.first?.seats == ["B4"])
        let inDatabase = try await records.sold(showtime: showtime.id)
        #expect(inDatabase["B4"] == sold.first?.id, "the database sold B4 once")
        #expect(inDatabase.count == 2)
        let loser = sold.first?.user == alice ? two : one
        #expect(try await loser.status(showtime: showtime.id).state(of: "B4") == .occupied, "the losing Redis learned of the sale")
    }

    @Test(arguments: RecordsKind.allCases)
    func reconciliationNamesEveryKindOfDifferenceAndTheDatabaseWins(kind: RecordsKind) async throws {
        let records = try await kind.shared()
        let showtime = try TestShowtimes.grid(rows: 5, seats: 4)
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let service = SeatLockingService(redis: redis, records: records, catalog: Catalog(showtimes: [showtime]))
        let keys = RedisKeyNames(showtime: showtime.id)
        let id = showtime.id
        let alice = TestUsers.unique("alice")
        let dave = TestUsers.unique("dave")
        _ = try await service.lock(["A1", "B1"], showtime: id, user: alice)
        let booked = try await service.book(["A1", "B1"], showtime: id, user: alice)
        _ = try await service.lock(["E1"], showtime: id, user: dave)
        #expect(try await service.reconcile(showtime: id, repair: false).isConsistent)

        let past = String(Date().addingTimeInterval(-60).milliseconds)
        _ = try await redis.send("HDEL", keys.sold, "A1", routingKey: keys.sold)                  // sold only in the database
        _ = try await redis.send("HSET", keys.sold, "C1", "999999", routingKey: keys.sold)         // sold only in Redis
        _ = try await redis.send("HSET", keys.claims, "D1", "\(past)|carol", routingKey: keys.claims)  // never committed
        _ = try await redis.send("HDEL", keys.sold, "B1", routingKey: keys.sold)
        _ = try await redis.send("HSET", keys.claims, "B1", "\(past)|\(alice)", routingKey: keys.claims)  // committed
        // Another store sold E1 while dave holds it here.
        guard case let .booked(other) = try await records.commit(Sale(showtimeID: id, user: "erin", seats: ["E1"], at: Date())) else {
            Issue.record("the database refused E1")
            return
        }

        let report = try await service.reconcile(showtime: id, repair: false)
        #expect(report.soldOnlyInDatabase == ["A1", "E1"])
        #expect(report.soldOnlyInRedis == ["C1"])
        #expect(report.interruptedBookings.map(\.seat) == ["B1", "D1"])
        #expect(report.interruptedBookings.map(\.committed) == [true, false])
        #expect(report.locksOnSoldSeats == ["E1"])
        #expect(!report.repaired)
        #expect(try await redis.hash(keys.sold)["C1"] == "999999", "without --repair nothing changes")

        let repaired = try await service.reconcile(showtime: id, repair: true)
        #expect(repaired.repaired)
        #expect(try await service.reconcile(showtime: id, repair: false).isConsistent, "Redis agrees with the database now")
        #expect(try await redis.hash(keys.sold) == ["A1": String(booked.id), "B1": String(booked.id), "E1": String(other.id)])
        #expect(try await redis.hash(keys.claims).isEmpty)
        let status = try await service.status(showtime: id, viewer: dave)
        #expect(status.state(of: "E1") == .occupied, "dave's lock on a sold seat is gone")
        #expect(status.state(of: "C1") == .available)
        #expect(status.state(of: "D1") == .available)
    }

    @Test func aCommitNeverConfirmedIsUnknownAndItsRetryAnswersWithTheBooking() async throws {
        try await FaultyPostgres.exclusive { database, url in
            let (service, records, redis, showtime) = try await Self.serviceOfOneShowtime(on: url)
            defer { redis.close() }
            let alice = TestUsers.unique("alice")
            _ = try await service.lock(["A2", "A3"], showtime: showtime.id, user: alice)

            try await offThePool { try database.holdCommits() }
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: SeatLockingError.self) {
                try await service.book(["A2", "A3"], showtime: showtime.id, user: alice)
            }
            let elapsed = clock.now - start
            try await offThePool { try database.confirmCommits() }
            #expect(error?.code == "outcome_unknown", "\(String(describing: error))")
            #expect(error?.message.contains("doing the same again is safe") == true)
            #expect(elapsed < answerNotHang, "answered in \(elapsed), not hung")

            var retry: Booking?
            _ = await eventually(timeout: .seconds(10)) {
                retry = try? await service.book(["A2", "A3"], showtime: showtime.id, user: alice)
                return retry != nil
            }
            let booking = try #require(retry, "the retry answers with the booking the first call made")
            #expect(booking.seats == ["A2", "A3"])
            #expect(try await records.bookings(showtime: showtime.id, user: nil) == [Booking(
                id: booking.id, showtimeID: showtime.id, user: alice, seats: ["A2", "A3"], bookedAt: booking.bookedAt)], "one booking, not two")
            #expect(try await service.status(showtime: showtime.id).state(of: "A2") == .occupied)
            await records.close()
        }
    }

    @Test func aHungDatabaseIsReportedNothingIsBookedAndTheSeatsStayHeld() async throws {
        try await FaultyPostgres.exclusive { database, url in
            let (service, records, redis, showtime) = try await Self.serviceOfOneShowtime(on: url)
            defer { redis.close() }
            let alice = TestUsers.unique("alice")
            _ = try await service.lock(["A1"], showtime: showtime.id, user: alice)

            database.suspend()
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: SeatLockingError.self) {
                try await service.book(["A1"], showtime: showtime.id, user: alice)
            }
            let elapsed = clock.now - start
            database.resume()
            #expect(error?.code == "database_unavailable", "\(String(describing: error))")
            #expect(error?.message.contains("Nothing was booked") == true)
            #expect(elapsed < answerNotHang, "answered in \(elapsed), not hung")
            #expect(try await service.status(showtime: showtime.id, viewer: alice).state(of: "A1") == .selected, "still held")

            var retry: Booking?
            _ = await eventually(timeout: .seconds(10)) {
                retry = try? await service.book(["A1"], showtime: showtime.id, user: alice)
                return retry != nil
            }
            #expect(retry?.seats == ["A1"], "the database is back: the booking goes through")
            await records.close()
        }
    }
}

extension RecordOfSalesTests {
    @Test func anSQLiteFileKeptBusyByAnotherProcessIsReportedAndNothingIsBooked() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis, path) = try SharedRedis.serviceOnItsOwnSQLite(showtime)
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        _ = try await service.lock(["A4"], showtime: showtime.id, user: alice)

        let blocker = try SQLiteBlocker(path: path)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SeatLockingError.self) {
            try await service.book(["A4"], showtime: showtime.id, user: alice)
        }
        let elapsed = clock.now - start
        blocker.release()
        #expect(error?.code == "database_unavailable", "\(String(describing: error))")
        #expect(error?.message.contains("Nothing was booked") == true)
        #expect(elapsed < answerNotHang, "answered in \(elapsed), not hung")
        #expect(try await service.status(showtime: showtime.id, viewer: alice).state(of: "A4") == .selected, "still held")
        #expect(try await service.book(["A4"], showtime: showtime.id, user: alice).seats == ["A4"], "free again: it books")
    }

    /// A service over one fresh showtime (a row of four seats) on the shared Redis and the
    /// database at `url`.
    static func serviceOfOneShowtime(on url: RecordsURL) async throws
        -> (service: SeatLockingService, records: any SalesRecord, redis: RedisClient, showtime: Showtime) {
        // The timeout is short for the faults under test; opening (and migrating) a new
        // database on a machine busy with the rest of the suite may take longer, so the
        // set-up tries three times.
        var opened: (any SalesRecord)?
        for attempt in 1...3 where opened == nil {
            do {
                opened = try await Records.open(url, timeout: .seconds(3), seed: { [] })
            } catch where attempt < 3 {
                continue
            }
        }
        let records = opened!
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let redis = try SharedRedis.client()
        return (SeatLockingService(redis: redis, records: records, catalog: Catalog(showtimes: [showtime])), records, redis, showtime)
    }
}

private func outcome(_ body: () async throws(SeatLockingError) -> Booking) async -> Result<Booking, SeatLockingError> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
