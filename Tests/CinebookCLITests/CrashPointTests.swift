import Foundation
import Testing
import TestSupport

/// A booking process killed (kill -9) after each step of a booking, on SQLite and on
/// PostgreSQL. Afterwards reconciliation leaves Redis and the database agreeing, and the
/// booking is confirmed in both stores (killed after the commit) or in neither (killed
/// before it), never half.
@Suite struct CrashPointTests {
    struct Case: Sendable, CustomStringConvertible {
        let kind: RecordsKind
        let step: String
        var description: String { "\(kind), killed after \(step)" }
        var committed: Bool { step != "claimed" }
    }

    /// The killed bookings' booking window, in seconds (10 s outside these tests): long
    /// enough for a commit on a loaded machine, short enough to wait out.
    static let bookingWindow: Int64 = 3

    @Test func aBookingKilledAtAnyStepIsFinishedOrUndoneByReconciliation() async throws {
        let cases = RecordsKind.allCases.flatMap { kind in ["claimed", "committed", "sold"].map { Case(kind: kind, step: $0) } }
        let redis = try RedisTestServer.shared().urlString
        let postgres = try await offThePool { try PostgresTestServer.shared() }
        var prepared: [(Case, CLI, String)] = []
        for test in cases {
            let fixture = try CLIFixtures.make()
            var cli = CLI(redis: redis, fixtures: fixture.directory)
            if test.kind == .postgres { cli.databaseURL = try await offThePool { try postgres.createDatabase() } }
            prepared.append((test, cli, String(fixture.id)))
        }
        // Every booking is killed first; then one wait for the claims' deadline serves all.
        for (test, cli, showtime) in prepared {
            let lock = try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "A1", "A2"])
            #expect(lock.status == 0, "\(test): \(lock.stderr)")
            var killed = cli
            killed.environment["CINEBOOK_TEST_CRASH_AFTER"] = test.step
            killed.environment["CINEBOOK_TEST_BOOKING_WINDOW"] = String(Self.bookingWindow)
            let book = try await killed.run(["book", "--showtime", showtime, "--user", "alice", "A1", "A2"])
            #expect(book.status == 137, "\(test): the booking process was killed, \(book.status) \(book.stderr)")
        }
        // The claims a booking killed before its sell left behind pass their deadline: then
        // reconciliation sees them as interrupted bookings.
        for (test, cli, showtime) in prepared where test.step != "sold" {
            let interrupted = await eventually(timeout: .seconds(Self.bookingWindow * 10), every: .milliseconds(250)) {
                let check = try? await cli.run(["reconcile", "--showtime", showtime, "--json"])
                let found = (check?.json["showtimes"] as? [[String: Any]])?.first?["interrupted_bookings"] as? [[String: Any]]
                return found?.count == 2
            }
            #expect(interrupted, "\(test): the killed booking's claims are seen as interrupted")
        }

        for (test, cli, showtime) in prepared {
            let repair = try await cli.run(["reconcile", "--showtime", showtime, "--repair", "--json"])
            #expect(repair.status == 0, "\(test): \(repair.stdout) \(repair.stderr)")
            // Killed after the sell, there is nothing left to repair; before it, an interrupted booking.
            let repaired = (repair.json["showtimes"] as? [[String: Any]])?.first?["repaired"] as? Bool
            #expect(repaired == (test.step != "sold"), "\(test): \(repair.stdout)")

            let bookings = try await cli.run(["bookings", "--showtime", showtime, "--json"])
            let listed = bookings.json["bookings"] as? [[String: Any]] ?? []
            #expect(listed.count == (test.committed ? 1 : 0), "\(test): \(bookings.stdout)")
            let status = try await cli.run(["status", "--showtime", showtime, "--user", "alice", "--json"])
            let states = (status.json["seats"] as? [[String: Any]] ?? []).filter { ["A1", "A2"].contains($0["seat"] as? String) }
            let expected = test.committed ? "occupied" : "selected"
            #expect(states.map { $0["state"] as? String } == [expected, expected], "\(test): \(states)")

            // Booking again answers with the booking, or books now what was never booked.
            let again = try await cli.run(["book", "--showtime", showtime, "--user", "alice", "--json", "A1", "A2"])
            #expect(again.status == 0, "\(test): \(again.stdout) \(again.stderr)")
            if test.committed { #expect(again.json["booking_id"] as? Int == listed.first?["booking_id"] as? Int, "\(test): never two") }
            let check = try await cli.run(["reconcile", "--showtime", showtime, "--json"])
            #expect(check.json["consistent"] as? Bool == true, "\(test): Redis agrees with the database: \(check.stdout)")
        }
    }
}
