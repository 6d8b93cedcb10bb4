import CinebookModel
import Foundation
import Testing
@testable import SeatLocking
@testable import SeatMapUI

/// The map shows the showtime's times in its cinema's time zone, and once sales have
/// closed it says so and picks nothing.
@Suite("The seat map and the sales window")
struct SeatMapSalesTests {
    private static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    private static func showtime(startingAfter seconds: TimeInterval, zone: TimeZone = .utc) -> Showtime {
        let base = Fixture.showtime
        return Showtime(
            id: base.id, title: base.title, auditorium: base.auditorium, startsAt: Fixture.start.addingTimeInterval(seconds),
            layout: base.layout, occupied: base.occupied, timeZone: zone)
    }

    @Test func timesAreTheCinemasWhateverTheViewersZone() {
        // 17:00 UTC on Fri 15 Jan is 02:00 on Sat 16 Jan in Tokyo.
        let showtime = Self.showtime(startingAfter: 9 * 3600, zone: Self.tokyo)
        var state = Fixture.connected(showtime: showtime)
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        _ = state.update(.locked(["C4"], .success(Fixture.grant(["C4"], at: 0))), now: Fixture.start)
        let screen = render(state, size: state.size)
        #expect(screen.line(0).hasPrefix(" The Last Lighthouse · Studio 1 · Sat 16 Jan 02:00"))
        // The hold ends 15 minutes after 08:00:02 UTC: 17:15 in Tokyo.
        #expect(screen.line(containing: "yours until 17:15") != nil, "\(screen.lines)")
    }

    @Test func aClosedShowtimeSaysSoAndLocksNothing() {
        var state = Fixture.connected(showtime: Self.showtime(startingAfter: 60))
        #expect(render(state, size: state.size).line(containing: "Sales closed") == nil, "on sale until its start")

        _ = state.update(.tick, now: Fixture.at(58))
        let screen = render(state, size: state.size)
        #expect(screen.line(1).hasPrefix(" Sales closed at Fri 15 Jan 08:01 — no seat can be picked"), "the server's clock passed the start: \(screen.line(1))")
        #expect(screen.line(containing: "C4 · standard seat · free, but sales have closed") != nil)

        #expect(state.update(.key(.character(" ")), now: Fixture.at(58)).isEmpty, "Space locks nothing")
        #expect(state.state(of: "C4") == .available)
        #expect(state.message?.text == "Sales for showtime 42 closed at Fri 15 Jan 08:01 GMT; its seats can no longer be locked or booked.")
        _ = state.update(.key(.character("a")), now: Fixture.at(58))
        #expect(state.update(.key(.character("4")), now: Fixture.at(58)).isEmpty, "nor does finding seats together")
        #expect(state.message?.text.hasPrefix("Sales for showtime 42 closed at") == true)
    }

    @Test func aHoldCannotBeBookedOnceSalesClosed() {
        var state = Fixture.connected(showtime: Self.showtime(startingAfter: 30))
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        _ = state.update(.locked(["C4"], .success(Fixture.grant(["C4"], at: 0))), now: Fixture.start)
        #expect(state.mySeats == ["C4"])
        _ = state.update(.key(.character("b")), now: Fixture.at(40))
        #expect(state.mode == .browsing, "no confirmation is asked for")
        #expect(state.message?.text.hasPrefix("Sales for showtime 42 closed at Fri 15 Jan 08:00 GMT") == true)
    }
}
