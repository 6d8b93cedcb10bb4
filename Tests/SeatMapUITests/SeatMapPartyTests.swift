import CinebookModel
import Foundation
import Testing
@testable import SeatMapUI

/// A party in the seat map, through its pure state: `t` starts one, the party's seats show
/// whose they are, Space on a mate's seat sits you there, `s` … `s` swaps, and a party that
/// is gone lets the map go on alone.
@Suite struct SeatMapPartyTests {
    static let code = PartyCode("FERN-427")!

    static func party(_ seats: [SeatCode: String], members: [String] = ["alice", "bob"]) -> Party {
        Party(
            code: code, showtimeID: Fixture.showtime.id, startedBy: "alice",
            members: members.map { name in Party.Member(name: name, joinedAt: Fixture.start, seats: seats.filter { $0.value == name }.keys.sorted()) },
            seats: seats, holdExpiresAt: nil, serverTime: Fixture.serverTime(at: 1))
    }

    @Test func tStartsAPartyOnlyBeforeAnySeatIsPicked() {
        var holding = Fixture.holding(["C4"])
        #expect(holding.update(.key(.character("t")), now: Fixture.at(1)).isEmpty)
        #expect(holding.message?.text.contains("Start the party before picking seats") == true)
        var state = Fixture.connected()
        #expect(state.update(.key(.character("t")), now: Fixture.at(1)) == [.party(.start)])
        let effects = state.update(.partyAnswered(.start, .success(Self.party([:], members: ["alice"]))), now: Fixture.at(1.1))
        #expect(state.partyCode == Self.code && effects.contains(.refresh), "the map reloads as the party's")
        #expect(state.message?.text == "Party FERN-427 started: friends join with: cinebook seats --party FERN-427.")
        #expect(render(state, size: state.size).lines.last?.contains("party FERN-427") == true)
    }

    @Test func aMatesSeatShowsWhoseItIsAndSpaceSitsYouThere() throws {
        var state = SeatMapState(
            showtime: Fixture.showtime, user: "alice", party: Self.party([:]), settings: Fixture.settings, size: ScreenSize(width: 80, height: 24),
            now: Fixture.start)
        _ = state.update(.tick, now: Fixture.start)
        let until = Fixture.serverTime(at: 900)
        _ = state.update(.statusLoaded(Fixture.status(at: 0, mine: ["C4": until, "C5": until])), now: Fixture.start)
        _ = state.update(.partyAnswered(.look, .success(Self.party(["C4": "alice", "C5": "bob"]))), now: Fixture.at(0.1))
        #expect(state.isPartyMates("C5") && !state.isPartyMates("C4"))
        let screen = render(state, size: state.size)
        #expect(screen.row("C")?.contains("◉") == true && screen.row("C")?.contains("●") == true, "\(screen.lines.joined(separator: "\n"))")
        #expect(screen.line(containing: "your party 1") != nil)

        _ = state.update(.key(.right), now: Fixture.at(1))
        #expect(state.cursor.code == "C5")
        #expect(render(state, size: state.size).line(containing: "bob sits here") != nil)
        #expect(state.update(.key(.character(" ")), now: Fixture.at(1.1)) == [.party(.sit("C5"))], "Space sits alice in bob's seat")

        // s on C5, back to C4, s: one swap.
        #expect(state.update(.key(.character("s")), now: Fixture.at(2)).isEmpty)
        #expect(render(state, size: state.size).line(containing: "Swap C5 with which seat?") != nil)
        _ = state.update(.key(.left), now: Fixture.at(2.1))
        #expect(state.update(.key(.character("s")), now: Fixture.at(2.2)) == [.party(.swap("C5", "C4"))])
        _ = state.update(.partyAnswered(.swap("C5", "C4"), .success(Self.party(["C4": "bob", "C5": "alice"]))), now: Fixture.at(2.3))
        #expect(state.message?.text == "Swapped: bob in C4, alice in C5.")
        #expect(state.isPartyMates("C4") && !state.isPartyMates("C5"))

        // Booking names the party and who sits where.
        _ = state.update(.key(.character("b")), now: Fixture.at(3))
        #expect(render(state, size: state.size).line(containing: "Book C4 and C5 for party FERN-427 (bob in C4, alice in") != nil)
    }

    @Test func aPartyThatIsGoneLetsTheMapGoOnAlone() {
        var state = SeatMapState(
            showtime: Fixture.showtime, user: "alice", party: Self.party([:]), settings: Fixture.settings, size: ScreenSize(width: 80, height: 24),
            now: Fixture.start)
        _ = state.update(.tick, now: Fixture.start)
        _ = state.update(.statusLoaded(Fixture.status(at: 0, mine: ["C4": Fixture.serverTime(at: 900)])), now: Fixture.start)
        let effects = state.update(.partyAnswered(.look, .failure(.party(.notMember(Self.code)))), now: Fixture.at(1))
        #expect(state.party == nil && effects.contains(.refresh))
        #expect(state.message?.text.contains("You are no longer in party FERN-427") == true)
        #expect(state.mySeats.isEmpty, "the party's seats are not alice's to hold or extend")
        #expect(state.update(.key(.character("t")), now: Fixture.at(2)) == [.party(.start)], "she can start another")
    }
}
