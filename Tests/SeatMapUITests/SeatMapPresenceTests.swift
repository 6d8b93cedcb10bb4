import CinebookModel
import Foundation
import Testing
@testable import SeatMapUI

/// "Being chosen": the free seat under a resting cursor is shown to others, and the seats
/// others are choosing show with a glyph and a colour of their own.
@Suite struct SeatMapPresenceTests {
    static let sharing = SeatMapSettings(appearance: .full, sharesPresence: true)

    @Test func aRestingCursorMarksItsSeatAndAMovingOneDoesNot() {
        var state = Fixture.connected(settings: Self.sharing)
        #expect(state.update(.key(.right), now: Fixture.at(1)) == [.markChoosing(["C5"])], "the cursor came to rest on C5")
        #expect(state.update(.key(.right), now: Fixture.at(1.05)).isEmpty, "racing across the hall marks nothing")
        #expect(state.update(.tick, now: Fixture.at(1.4)) == [.markChoosing(["C6"])], "where it stopped is marked")
        #expect(state.update(.tick, now: Fixture.at(2)).isEmpty)
        #expect(state.update(.tick, now: Fixture.at(4.1)) == [.markChoosing(["C6"])], "renewed at half the mark's lifetime")
        #expect(state.update(.tick, now: Fixture.at(40)).contains(.markChoosing([])), "a map left alone stops marking")
        #expect(state.update(.tick, now: Fixture.at(50)).isEmpty)
    }

    @Test func aSeatTakenUnderTheCursorOrAPickEndsTheMark() {
        var state = Fixture.connected(settings: Self.sharing)
        _ = state.update(.key(.right), now: Fixture.at(1))
        let effects = state.update(.key(.character(" ")), now: Fixture.at(2))
        #expect(effects == [.lock(["C5"]), .markChoosing([])], "a seat being locked is no longer only being chosen")
    }

    /// The feed announces this map's own mark too (it never says who): the map does not
    /// take it for someone else's.
    @Test func itsOwnMarkOnTheFeedIsNotSomeoneElses() {
        var state = Fixture.connected(settings: Self.sharing)
        #expect(state.update(.key(.right), now: Fixture.at(1)) == [.markChoosing(["C5"])])
        let own = SeatEvent(kind: .choosing, showtimeID: 42, seats: ["C5"], expiresAt: Fixture.serverTime(at: 6), at: Fixture.serverTime(at: 1.1))
        _ = state.update(.feed(.change(own)), now: Fixture.at(1.1))
        #expect(state.state(of: "C5") == .available)
    }

    /// A suggested seat that someone else has come to rest on is still free: taking the
    /// suggestion locks it.
    @Test func aSuggestionSomeoneIsChoosingCanStillBeTaken() {
        var state = Fixture.connected()
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        let refusal = SeatLockingError.seatsUnavailable(["C4"], suggestions: [["C5"]])
        _ = state.update(.locked(["C4"], .failure(refusal)), now: Fixture.at(0.01))
        let choosing = SeatEvent(kind: .choosing, showtimeID: 42, seats: ["C5"], expiresAt: Fixture.serverTime(at: 6), at: Fixture.serverTime(at: 0.5))
        _ = state.update(.feed(.change(choosing)), now: Fixture.at(0.5))
        #expect(state.state(of: "C5") == .choosing)
        #expect(state.update(.key(.character("a")), now: Fixture.at(1)) == [.lock(["C5"])])
    }

    @Test func othersChoosingShowsAtOnceWithItsOwnGlyphAndEndsWithTheStatus() throws {
        var state = Fixture.connected()
        let change = SeatEvent(kind: .choosing, showtimeID: 42, seats: ["B2"], expiresAt: Fixture.serverTime(at: 6), at: Fixture.serverTime(at: 1))
        #expect(state.update(.feed(.change(change)), now: Fixture.at(1)) == [.refresh])
        #expect(state.state(of: "B2") == .choosing)
        let screen = render(state, size: state.size)
        let legend = try #require(screen.line(containing: "choosing 1"), "\(screen.lines.joined(separator: "\n"))")
        #expect(legend.contains("◌ choosing 1") || legend.contains("◌ being chosen 1"), "\(legend)")
        #expect(screen.row("B")?.contains("◌") == true)
        _ = state.update(.statusLoaded(Fixture.status(at: 7)), now: Fixture.at(7))
        #expect(state.state(of: "B2") == .available, "the reload after the mark ended shows the seat free")
        #expect(state.update(.key(.character(" ")), now: Fixture.at(8)) == [.lock(["C4"])])
    }
}
