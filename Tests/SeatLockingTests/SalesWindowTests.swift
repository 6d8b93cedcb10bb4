import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

/// Sales close at the showtime's start, or at the cut-off its file sets; times are the
/// cinema's, in the time zone its file gives; the bundled showtimes are always upcoming.
@Suite("Sales close at the start or the cut-off")
struct SalesWindowTests {
    private static let london = TimeZone(identifier: "Europe/London")!

    /// Writes one showtime file with these extra fields and loads it as of `now`.
    private func load(_ fields: String, now: Date) throws -> Showtime {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sales-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("showtime.json")
        try Data(#"{"id": 9, "title": "T", "auditorium": "H", \#(fields), "rows": [{"row": "A", "seats": "ssss"}]}"#.utf8).write(to: file)
        return try Catalog.load(file: file, now: now)
    }

    private func loadError(_ fields: String) -> String? {
        (#expect(throws: CatalogError.self) { try self.load(fields, now: Date()) })?.problem
    }

    private static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func aRelativeStartIsTakenFromTheCinemasDayWhenLoaded() throws {
        // 23:30 UTC on 4 Dec is still 4 Dec in London: tomorrow is 5 Dec, 19:30 GMT.
        let winter = try load(#""starts_at": "+1d 19:30", "time_zone": "Europe/London""#, now: Self.date("2026-12-04T23:30:00Z"))
        #expect(winter.startsAt == Self.date("2026-12-05T19:30:00Z"))
        #expect(winter.timeZone == Self.london)
        // 23:30 UTC on 1 July is already 2 July in London (BST): tomorrow is 3 July, 19:30 BST.
        let summer = try load(#""starts_at": "+1d 19:30", "time_zone": "Europe/London""#, now: Self.date("2026-07-01T23:30:00Z"))
        #expect(summer.startsAt == Self.date("2026-07-03T18:30:00Z"))
        // The same file in Tokyo: 4 Dec 23:30 UTC is 5 Dec 08:30 there, so tomorrow is 6 Dec.
        let tokyo = try load(#""starts_at": "+1d 19:30", "time_zone": "Asia/Tokyo""#, now: Self.date("2026-12-04T23:30:00Z"))
        #expect(tokyo.startsAt == Self.date("2026-12-06T10:30:00Z"))
        #expect(CinemaTime.day(tokyo.startsAt, in: tokyo.timeZone) == "Sun 6 Dec 19:30")
    }

    @Test func theFileSetsTheCutOffAndAnAbsoluteStartStays() throws {
        let showtime = try load(
            #""starts_at": "2026-12-05T19:30:00Z", "time_zone": "Europe/London", "sales_cutoff_minutes": 30"#,
            now: Self.date("2026-12-01T00:00:00Z"))
        #expect(showtime.startsAt == Self.date("2026-12-05T19:30:00Z"))
        #expect(showtime.salesCloseAt == Self.date("2026-12-05T19:00:00Z"))
        #expect(showtime.isOnSale(at: Self.date("2026-12-05T18:59:59Z")))
        #expect(!showtime.isOnSale(at: Self.date("2026-12-05T19:00:00Z")), "closed at the cut-off, before the start")

        let plain = try load(#""starts_at": "2026-12-05T19:30:00Z""#, now: Date())
        #expect(plain.timeZone == .utc, "no time_zone: UTC")
        #expect(plain.salesCloseAt == plain.startsAt, "no cut-off: sales close at the start")
    }

    /// `sales_open_at` takes either form of `starts_at`, must come before it, and goes into
    /// the database and back with the rest of the showtime.
    @Test func theFileSetsWhenSalesOpen() async throws {
        let rush = try load(
            #""starts_at": "+1d 19:30", "sales_open_at": "+0d 10:00", "time_zone": "Europe/London""#, now: Self.date("2026-12-04T08:00:00Z"))
        #expect(rush.salesOpenAt == Self.date("2026-12-04T10:00:00Z"))
        #expect(try load(#""starts_at": "2026-12-05T19:30:00Z""#, now: Date()).salesOpenAt == nil, "no sales_open_at: on sale")
        #expect(loadError(#""starts_at": "2026-12-05T19:30:00Z", "sales_open_at": "2026-12-06T10:00:00Z""#)
            == "sales_open_at must come before starts_at")
        #expect(loadError(#""starts_at": "2026-12-05T19:30:00Z", "sales_open_at": "soon""#)?.contains("sales_open_at 'soon' is neither") == true)

        let records = try Records.sqlite(path: TestRecords.temporaryPath("opening"), seed: { [] })
        try await Catalog(showtimes: [rush]).save(into: records)
        let back = try Catalog(records: try await records.showtimes())
        #expect(back.showtime(rush.id)?.salesOpenAt == rush.salesOpenAt)
    }

    @Test func badSalesFieldsAreNamed() {
        #expect(loadError(#""starts_at": "+1d 19:30", "time_zone": "Mars/Olympus""#)?.contains("time_zone 'Mars/Olympus' is not a time zone") == true)
        #expect(loadError(#""starts_at": "2026-12-05T19:30:00Z", "sales_cutoff_minutes": -5"#)
            == "sales_cutoff_minutes must be from 0 to 10080, not -5")
        #expect(loadError(#""starts_at": "2026-12-05T19:30:00Z", "sales_cutoff_minutes": 20000"#)
            == "sales_cutoff_minutes must be from 0 to 10080, not 20000")
        for start in ["tomorrow 19:30", "+1d 25:00", "+1d 7:30", "+d 19:30", "+1d", "-1d 19:30"] {
            #expect(loadError(#""starts_at": "\#(start)""#)?.contains("is neither an ISO 8601 time") == true, "\(start)")
        }
    }

    @Test func theBundledShowtimesAreUpcomingWhenSeededAndKeepTheirCinemasZone() throws {
        let now = Date()
        let catalog = try Catalog.load(directory: TestShowtimes.bundled, now: now)
        for showtime in catalog.showtimes {
            #expect(showtime.isOnSale(at: now), "showtime \(showtime.id) is on sale the day it is seeded")
            #expect(showtime.startsAt.timeIntervalSince(now) < 3 * 86_400, "showtime \(showtime.id) is in the coming days")
            #expect(showtime.timeZone == Self.london, "showtime \(showtime.id)")
        }
        #expect(catalog.showtimes.contains { $0.salesCutoff > .zero }, "one showtime closes its sales before the start")
    }

    @Test(arguments: RedisKind.allCases)
    func aStartedShowtimeRefusesLocksExtensionsAndBookingsButNotReleases(on kind: RedisKind) async throws {
        let open = try TestShowtimes.make(["ssss"], startsAt: Date().addingTimeInterval(3600), timeZone: Self.london)
        let started = try TestShowtimes.make(
            ["ssss"], startsAt: open.startsAt.addingTimeInterval(-7200), timeZone: Self.london, id: open.id)
        let alice = TestUsers.unique("alice")
        // One Redis, two views of one showtime: before and after its start.
        let (before, redis) = try await kind.service([open])
        defer { redis.close() }
        let after = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [started]))
        _ = try await before.lock(["A1", "A2"], showtime: open.id, user: alice)

        let closed = SeatLockingError.salesClosed(showtime: open.id, closedAt: started.startsAt, timeZone: Self.london)
        await #expect(throws: closed) { try await after.lock(["A3"], showtime: open.id, user: alice) }
        await #expect(throws: closed) { try await after.extend(["A1"], showtime: open.id, user: alice) }
        await #expect(throws: closed) { try await after.book(["A1", "A2"], showtime: open.id, user: alice) }
        #expect(closed.code == "sales_closed")
        let day = CinemaTime.day(started.startsAt, in: Self.london, zoneNamed: true)
        #expect(closed.message == "Sales for showtime \(open.id) closed at \(day); its seats can no longer be locked or booked.")

        let status = try await after.status(showtime: open.id, viewer: alice)
        #expect(status.state(of: "A1") == .selected, "the hold is still there, and still the viewer's")
        #expect(status.state(of: "A3") == .available, "nothing was locked")
        #expect(try await after.bookings(showtime: open.id, user: alice).isEmpty, "nothing was sold")
        #expect(try await after.unlock(["A1", "A2"], showtime: open.id, user: alice).released == ["A1", "A2"], "a release still works")
    }

    /// Booking again what was booked before sales closed (an answer lost on the way) still
    /// answers with the booking, as any repeated booking does.
    @Test func aBookingMadeBeforeTheCloseIsStillAnsweredAfterIt() async throws {
        let open = try TestShowtimes.make(["ssss"], startsAt: Date().addingTimeInterval(3600))
        let started = try TestShowtimes.make(["ssss"], startsAt: open.startsAt.addingTimeInterval(-7200), id: open.id)
        let bob = TestUsers.unique("bob")
        let (before, redis) = try await RedisKind.standalone.service([open])
        defer { redis.close() }
        let after = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [started]))
        _ = try await before.lock(["A2", "A3"], showtime: open.id, user: bob)
        let booking = try await before.book(["A2", "A3"], showtime: open.id, user: bob)
        #expect(try await after.book(["A2", "A3"], showtime: open.id, user: bob) == booking)
        await #expect(throws: SeatLockingError.salesClosed(showtime: open.id, closedAt: started.startsAt, timeZone: .utc)) {
            try await after.book(["A4"], showtime: open.id, user: bob)
        }
    }

    @Test func aCutOffClosesSalesBeforeTheStart() async throws {
        let showtime = try TestShowtimes.make(["ssss"], startsAt: Date().addingTimeInterval(3600), salesCutoff: .seconds(90 * 60))
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let error = await #expect(throws: SeatLockingError.self) {
            try await service.lock(["A1"], showtime: showtime.id, user: TestUsers.unique("bob"))
        }
        #expect(error == .salesClosed(showtime: showtime.id, closedAt: showtime.salesCloseAt, timeZone: .utc))
        #expect(showtime.salesCloseAt < Date() && Date() < showtime.startsAt, "closed by the cut-off, not the start")
    }
}
