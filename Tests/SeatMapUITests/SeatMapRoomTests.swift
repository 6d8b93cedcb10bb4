import CinebookModel
import Foundation
import Testing
@testable import SeatMapUI

/// The waiting room in the seat map: a screen of its own while the user waits, asked
/// again at the room's pace; the map opens at their turn, and its first lock hands in the pass.
@Suite struct SeatMapRoomTests {
    static let inRoom = SeatMapSettings(appearance: .full, sharesPresence: false, joinsWaitingRoom: true)

    private static func standing(
        _ phase: RoomStanding.Phase, ticket: Int? = nil, ahead: Int? = nil, soldOut: Bool = false, pass: String? = nil, at seconds: TimeInterval
    ) -> RoomStanding {
        RoomStanding(
            showtimeID: 42, phase: phase, ticket: ticket, ahead: ahead, estimatedWait: ahead.map { .seconds(12 * $0) },
            likelySoldOut: soldOut, pass: pass.map { RoomPass(text: $0, expiresAt: Fixture.serverTime(at: seconds + 60)) },
            askAgainIn: .milliseconds(500), serverTime: Fixture.serverTime(at: seconds))
    }

    @Test func theMapJoinsTheRoomAndShowsThePlaceInLineUntilItIsTheUsersTurn() throws {
        var state = Fixture.state(settings: Self.inRoom)
        #expect(state.update(.tick, now: Fixture.start).contains(.joinRoom), "the map joins when it opens")
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 7, ahead: 6, at: 0))), now: Fixture.at(0.1))
        #expect(state.mode == .waiting)
        var screen = render(state, size: state.size).lines.joined(separator: "\n")
        #expect(screen.contains("Your place in line: 7") && screen.contains("6 people ahead of you · about 1 min"), "\(screen)")
        #expect(!screen.contains("SCREEN"), "the hall is not shown while waiting")

        #expect(state.update(.tick, now: Fixture.at(0.3)).isEmpty, "not before the room said to ask again")
        #expect(state.update(.tick, now: Fixture.at(0.7)) == [.lookAtRoom])
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 7, ahead: 2, at: 0.7))), now: Fixture.at(0.8))
        screen = render(state, size: state.size).lines.joined(separator: "\n")
        #expect(screen.contains("2 people ahead of you"), "the place moves: \(screen)")

        #expect(state.update(.tick, now: Fixture.at(1.4)) == [.lookAtRoom])
        let turn = state.update(.roomAnswered(.success(Self.standing(.admitted, ticket: 7, pass: "42.7.sig", at: 1.4))), now: Fixture.at(1.5))
        #expect(state.mode == .browsing && !turn.contains(.lookAtRoom), "the map opens")
        #expect(state.message?.text.contains("It's your turn") == true)
        _ = state.update(.statusLoaded(Fixture.status(at: 1.5)), now: Fixture.at(1.5))
        #expect(state.update(.key(.character(" ")), now: Fixture.at(2)) == [.lock(["C4"], pass: "42.7.sig")], "the first lock hands in the pass")
        _ = state.update(.locked(["C4"], .success(Fixture.grant(["C4"], at: 2))), now: Fixture.at(2.1))
        _ = state.update(.key(.right), now: Fixture.at(3))
        #expect(state.update(.key(.character(" ")), now: Fixture.at(3)) == [.lock(["C5"])], "the pass is used once")
    }

    @Test func thoseWhoWillVeryLikelyGetNothingAreToldAndKeepTheirPlace() {
        var state = Fixture.state(settings: Self.inRoom)
        _ = state.update(.tick, now: Fixture.start)
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 900, ahead: 450, soldOut: true, at: 0))), now: Fixture.at(0.1))
        let screen = render(state, size: state.size).lines.joined(separator: "\n")
        #expect(screen.contains("Sold out, or very likely") && screen.contains("You keep your place"), "\(screen)")
        #expect(state.update(.key(.character("q")), now: Fixture.at(1)) == [.leaveRoom, .leave(releasing: [])], "q leaves the line and the program")
    }

    /// The room's news on the feed: the map asks at once when it concerns the user (their
    /// turn, or the seats gone for them), and otherwise waits for its time.
    @Test func theRoomsNewsOnTheFeedMakesTheMapAskAtOnceWhenItConcernsTheUser() {
        var state = Fixture.state(settings: Self.inRoom)
        _ = state.update(.tick, now: Fixture.start)
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 30, ahead: 9, at: 0))), now: Fixture.at(0.1))
        let news = { (served: Int, soldOutFrom: Int?) -> SeatMapEvent in
            .feed(.change(SeatEvent(
                kind: .room, showtimeID: 42, seats: [], at: Fixture.serverTime(at: 0.2),
                room: RoomNews(servedThrough: served, soldOutFrom: soldOutFrom, waiting: 40, choosing: 5))))
        }
        #expect(state.update(news(25, 60), now: Fixture.at(0.2)).isEmpty, "not yet their turn, and seats left for them")
        #expect(state.update(news(30, 60), now: Fixture.at(0.25)) == [.lookAtRoom], "their turn: asked at once, not at the next poll")
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 30, ahead: 0, at: 0.3))), now: Fixture.at(0.3))
        #expect(state.update(news(29, 30), now: Fixture.at(0.35)) == [.lookAtRoom], "the seats as good as gone for them")
        _ = state.update(.roomAnswered(.success(Self.standing(.waiting, ticket: 30, ahead: 0, soldOut: true, at: 0.4))), now: Fixture.at(0.4))
        #expect(state.update(news(29, 0), now: Fixture.at(0.45)).isEmpty, "already told")
        #expect(state.mode == .waiting)
    }

    @Test func aLockTheRoomRefusesSendsTheUserToTheLine() {
        var state = Fixture.connected(settings: Self.inRoom)
        _ = state.update(.roomAnswered(.success(Self.standing(.open, at: 0))), now: Fixture.start)
        #expect(state.mode == .browsing)
        _ = state.update(.key(.character(" ")), now: Fixture.at(1))
        let effects = state.update(.locked(["C4"], .failure(.waitingRoom(.passRequired(showtime: 42)))), now: Fixture.at(1.1))
        #expect(effects == [.joinRoom] && state.mode == .waiting)
        #expect(state.state(of: "C4") == .available)
    }
}
