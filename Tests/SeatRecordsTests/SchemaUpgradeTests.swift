import CinebookModel
import Foundation
import GRDB
import SeatLocking
import SeatRecords
import Testing
import TestSupport

/// A database made by an older cinebook opens in this one: its showtimes, bookings and
/// history stay, and what the new schema adds gets the old behaviour.
@Suite("Upgrading an older database")
struct SchemaUpgradeTests {
    @Test func aVersionTwoDatabaseGainsTheCinemasTimeZoneAndCutOffAndLosesNothing() async throws {
        let path = TestRecords.temporaryPath("schema-v2")
        // The database as version 2 left it: one showtime and one booking of it.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            for statement in RecordsSQL.migrations(.sqlite)[0..<2].joined() { try db.execute(sql: statement) }
            try db.execute(sql: RecordsSQL.createVersionTable)
            try db.execute(sql: "INSERT INTO schema_version (version) VALUES (2)")
            try db.execute(
                sql: """
                    INSERT INTO showtimes (id, title, auditorium, starts_at, layout, box_office)
                    VALUES (5, 'Old Film', 'Hall 1', 1795626000000, '[{"row":"A","seats":"ssss"}]', '["A4"]')
                    """)
            try db.execute(sql: "INSERT INTO bookings (showtime_id, user_id, seats, booked_at) VALUES (5, 'alice', 'A1', 1795600000000)")
            try db.execute(sql: "INSERT INTO sold_seats (showtime_id, seat, booking_id) VALUES (5, 'A1', 1)")
        }
        try queue.close()

        let records = try Records.sqlite(path: path, seed: { Issue.record("an existing database is not seeded"); return [] })
        let catalog = try Catalog(records: try await records.showtimes())
        let showtime = try #require(catalog.showtime(5))
        #expect(showtime.title == "Old Film")
        #expect(showtime.occupied == ["A4"])
        #expect(showtime.startsAt == Date(timeIntervalSince1970: 1_795_626_000))
        #expect(showtime.timeZone == .utc, "times as before: UTC")
        #expect(showtime.salesCloseAt == showtime.startsAt, "sales close at the start, as before")
        #expect(try await records.sold(showtime: 5) == ["A1": 1], "the sale is kept")

        // The new columns are written and read back.
        let moved = try TestShowtimes.make(
            ["ssss"], startsAt: showtime.startsAt, timeZone: TimeZone(identifier: "America/New_York")!, salesCutoff: .seconds(15 * 60),
            id: 5)
        try await records.save([ShowtimeRecord(moved)])
        let reread = try #require(try Catalog(records: try await records.showtimes()).showtime(5))
        #expect(reread.timeZone.identifier == "America/New_York")
        #expect(reread.salesCutoff == .seconds(15 * 60))
        await records.close()
    }
}
