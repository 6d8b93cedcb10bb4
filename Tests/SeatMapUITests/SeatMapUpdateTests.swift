import CinebookModel
import CinebookSupport
import Foundation
import Testing
@testable import SeatLocking
@testable import SeatMapUI

@Suite struct SeatMapUpdateTests {
    // MARK: Moving

    @Test func cursorStartsInTheMiddleOfTheMiddleRow() throws {
        #expect(Fixture.state().cursor.code == "C4")
        let layout = try SeatLayout(rowPatterns: [("A", "sssss"), ("B", "sssss"), ("C", "sssss")])
        let soldMiddle = Showtime(id: 8, title: "T", auditorium: "H", startsAt: Fixture.showtime.startsAt, layout: layout, occupied: ["B3"])
        #expect(Fixture.state(showtime: soldMiddle).cursor.code == "B2", "not on a seat the box office sold")
    }

    @Test func movingSidewaysSkipsTheAisleAndStopsAtTheWall() {
        var state = Fixture.connected()
        _ = state.update(.key(.right), now: Fixture.start)
        #expect(state.cursor.code == "C5")
        #expect(state.cursor.column == 5)
        _ = state.update(.key(.character("h")), now: Fixture.start)
        _ = state.update(.key(.left), now: Fixture.start)
        _ = state.update(.key(.left), now: Fixture.start)
        _ = state.update(.key(.left), now: Fixture.start)
        #expect(state.cursor.code == "C1")
        _ = state.update(.key(.left), now: Fixture.start)
        #expect(state.cursor.code == "C1")
    }

    @Test func movingUpAndDownKeepsTheColumn() {
        var state = Fixture.connected()
        _ = state.update(.key(.character("l")), now: Fixture.start)
        for _ in 0..<5 { _ = state.update(.key(.up), now: Fixture.start) }
        #expect(state.cursor.code == "A5")
        _ = state.update(.key(.character("j")), now: Fixture.start)
        #expect(state.cursor.code == "B5")
    }

    @Test func verticalMovesAimForTheRememberedColumnAcrossAShortRow() throws {
        let layout = try SeatLayout(rowPatterns: [("A", "ssssssss"), ("B", "ss____ss"), ("C", "ssssssss")])
        let showtime = Showtime(id: 7, title: "T", auditorium: "H", startsAt: Fixture.showtime.startsAt, layout: layout)
        var state = Fixture.connected(showtime: showtime)
        #expect(state.cursor.code == "B2")
        _ = state.update(.key(.right), now: Fixture.start)
        #expect(state.cursor.code == "B3", "the gap in row B is skipped")
        _ = state.update(.key(.down), now: Fixture.start)
        _ = state.update(.key(.left), now: Fixture.start)
        #expect(state.cursor.code == "C6")
        _ = state.update(.key(.up), now: Fixture.start)
        #expect(state.cursor.code == "B3", "the nearest seat of the short row")
        _ = state.update(.key(.up), now: Fixture.start)
        #expect(state.cursor.code == "A6", "back on the column of the last sideways move")
    }

    // MARK: Selecting

    @Test func selectingAnAvailableSeatLocksItAtOnce() {
        var state = Fixture.connected()
        let effects = state.update(.key(.character(" ")), now: Fixture.start)
        #expect(effects == [.lock(["C4"])])
        #expect(state.state(of: "C4") == .selected)
        #expect(state.pending["C4"] == .locking)

        let answer = state.update(.locked(["C4"], .success(Fixture.grant(["C4"], at: 0.01))), now: Fixture.at(0.01))
        #expect(answer.isEmpty)
        #expect(state.pending.isEmpty)
        #expect(state.mySeats == ["C4"])
        #expect(state.message?.kind == .success)
        #expect(state.message?.text.contains("C4 is yours for 15:00") == true)
    }

    @Test func enterOnMySeatReleasesIt() {
        var state = Fixture.holding(["C4"])
        #expect(state.update(.key(.enter), now: Fixture.at(1)) == [.unlock(["C4"])])
        #expect(state.state(of: "C4") == .available)
        let release = Release(showtimeID: 42, released: ["C4"], serverTime: Fixture.serverTime(at: 1))
        _ = state.update(.unlocked(["C4"], .success(release)), now: Fixture.at(1))
        #expect(state.mySeats.isEmpty)
        #expect(state.message?.text == "Released C4.")
    }

    @Test func aConflictNamesTheSeatRefreshesAndOneKeyTakesASuggestion() {
        var state = Fixture.connected()
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        let refusal = SeatLockingError.seatsUnavailable(["C4"], suggestions: [["C5"], ["B4"], ["C3"]])
        let effects = state.update(.locked(["C4"], .failure(refusal)), now: Fixture.at(0.01))
        #expect(effects == [.refresh])
        #expect(state.state(of: "C4") == .locked)
        #expect(state.message?.text == "C4 was just taken by someone else.")

        let screen = render(state, size: state.size)
        #expect(screen.line(containing: "C4 was just taken by someone else.") != nil)
        #expect(screen.line(containing: "Free nearby: 1) C5  2) B4  3) C3 — press a or 1–3") != nil)

        #expect(state.update(.key(.character("a")), now: Fixture.at(1)) == [.lock(["C5"])])
        #expect(state.cursor.code == "C5")
        #expect(state.suggestions.isEmpty)
    }

    @Test func aAsksHowManyAndLocksTheBestSeatsTogether() {
        var state = Fixture.connected()
        #expect(state.update(.key(.character("a")), now: Fixture.at(1)).isEmpty)
        #expect(state.mode == .choosingPartySize)
        #expect(render(state, size: state.size).line(containing: "how many seats together? Press 1–9") != nil)

        let effects = state.update(.key(.character("3")), now: Fixture.at(2))
        #expect(effects.first == .lockBest(count: 3, guess: ["E2", "E3", "E4"]),
                "rows B and C would strand a seat at the aisle or the wall, row D is premium, row E beats row A for the view")
        #expect(state.mode == .browsing)
        #expect(state.selectedSeats == ["E2", "E3", "E4"], "the best on the map is shown as being locked")
        #expect(state.cursor.code == "E2")
        #expect(state.message?.text == "Best available: E2, E3 and E4…")
    }

    /// The best as the map showed it went to someone else a moment before: the lock script
    /// held the next best, and the map moves there and says so.
    @Test func theBestHeldWhereTheLockIsTakenReplacesTheMapsGuess() {
        var state = Fixture.connected()
        _ = state.update(.key(.character("a")), now: Fixture.at(1))
        _ = state.update(.key(.character("3")), now: Fixture.at(2))
        let grant = Fixture.grant(["A2", "A3", "A4"], at: 2.01, replacing: ["E2", "E3", "E4"])
        let effects = state.update(.locked(["E2", "E3", "E4"], .success(grant)), now: Fixture.at(2.01))
        #expect(state.selectedSeats == ["A2", "A3", "A4"])
        #expect(state.pending.isEmpty)
        #expect(["E2", "E3", "E4"].allSatisfy { state.state(of: $0) == .locked }, "the guess went to someone else")
        #expect(state.cursor.code == "A2")
        #expect(state.message?.text.hasPrefix("E2, E3 and E4 were just taken; we hold A2, A3 and A4 for you for 15:00") == true, "\(state.message?.text ?? "")")
        #expect(effects.contains(.refresh), "the map reloads, since its picture was out of date")
    }

    /// A pick that lost its race: the seat beside it is held in the same answer.
    @Test func aPickThatLostItsRaceHoldsTheNearestSeatInstead() {
        var state = Fixture.connected()
        #expect(state.update(.key(.character(" ")), now: Fixture.start) == [.lock(["C4"])])
        let grant = Fixture.grant(["C5"], at: 0.01, replacing: ["C4"])
        _ = state.update(.locked(["C4"], .success(grant)), now: Fixture.at(0.01))
        #expect(state.selectedSeats == ["C5"])
        #expect(state.state(of: "C4") == .locked)
        #expect(state.message?.text.hasPrefix("C4 was just taken; we hold C5 for you") == true, "\(state.message?.text ?? "")")
    }

    @Test func anyOtherKeyCancelsTheQuestionAndAFullHouseSaysSo() {
        var state = Fixture.connected()
        _ = state.update(.key(.character("a")), now: Fixture.at(1))
        #expect(state.update(.key(.character("x")), now: Fixture.at(2)).isEmpty)
        #expect(state.mode == .browsing)
        #expect(state.selectedSeats.isEmpty)

        let everything = Dictionary(uniqueKeysWithValues: Fixture.showtime.layout.seats.map { ($0.code, SeatState.locked) })
        _ = state.update(.statusLoaded(Fixture.status(at: 3, states: everything)), now: Fixture.at(3))
        _ = state.update(.key(.character("a")), now: Fixture.at(4))
        #expect(state.update(.key(.character("2")), now: Fixture.at(5)).allSatisfy { if case .lock = $0 { false } else { true } })
        #expect(state.message?.text == "No 2 seats are free together any more; try fewer.")
    }

    @Test func aPickThatStrandsOneSeatWarnsButStillLocks() {
        var state = Fixture.connected()
        _ = state.update(.statusLoaded(Fixture.status(at: 1, states: ["C2": .locked])), now: Fixture.at(1))
        #expect(state.update(.key(.character(" ")), now: Fixture.at(2)) == [.lock(["C4"])])
        #expect(state.message?.kind == .warning)
        #expect(state.message?.text.contains("C3 on its own") == true, "\(state.message?.text ?? "")")

        var clean = Fixture.connected()
        #expect(clean.update(.key(.character(" ")), now: Fixture.at(2)) == [.lock(["C4"])])
        #expect(clean.message == nil, "C1–C3 stay free together")
    }

    @Test func aDigitTakesThatSuggestion() {
        var state = Fixture.connected()
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        let refusal = SeatLockingError.seatsUnavailable(["C4"], suggestions: [["C5"], ["B4"]])
        _ = state.update(.locked(["C4"], .failure(refusal)), now: Fixture.at(0.01))
        #expect(state.update(.key(.character("2")), now: Fixture.at(1)) == [.lock(["B4"])])
        #expect(state.cursor.code == "B4")
    }

    @Test func aSeatShownAsHeldIsNotRequestedButFreeOnesAreSuggested() {
        var state = Fixture.connected()
        _ = state.update(.statusLoaded(Fixture.status(at: 1, states: ["C4": .locked, "C5": .locked])), now: Fixture.at(1))
        let effects = state.update(.key(.character(" ")), now: Fixture.at(2))
        #expect(effects.isEmpty)
        #expect(state.message?.text == "C4 is held by someone else right now.")
        #expect(state.suggestions.first == ["C3"])
        #expect(state.update(.key(.character("a")), now: Fixture.at(3)) == [.lock(["C3"])])
    }

    @Test func aSoldSeatSaysSo() {
        var state = Fixture.connected()
        for _ in 0..<2 { _ = state.update(.key(.up), now: Fixture.start) }
        for _ in 0..<3 { _ = state.update(.key(.left), now: Fixture.start) }
        #expect(state.cursor.code == "A1")
        #expect(state.update(.key(.character(" ")), now: Fixture.start).isEmpty)
        #expect(state.message?.text == "A1 is sold.")
    }

    @Test func noMoreThanTheSeatLimitIsRequested() {
        var settings = Fixture.settings
        settings.policy = LockPolicy(maximumSeatsPerUser: 1)
        var state = Fixture.holding(["C4"], settings: settings)
        _ = state.update(.key(.right), now: Fixture.at(1))
        #expect(state.update(.key(.character(" ")), now: Fixture.at(1)).isEmpty)
        #expect(state.message?.text == "You can hold at most 1 seats at once; release one first.")
    }

    @Test func aClickSelectsTheSeatUnderThePointer() {
        var state = Fixture.connected()
        let geometry = SeatMapGeometry(layout: state.showtime.layout, size: state.size, cursor: state.cursor)
        let seat = state.showtime.layout.seat("B6")!
        let x = geometry.x(ofColumn: seat.column) + 1
        let y = geometry.y(ofRow: seat.rowIndex)
        #expect(render(state, size: state.size)[x, y].glyph == "○")
        #expect(state.update(.click(x: x, y: y), now: Fixture.start) == [.lock(["B6"])])
        #expect(state.cursor.code == "B6")
        #expect(state.update(.click(x: 0, y: 0), now: Fixture.start).isEmpty)
    }

    // MARK: Holding

    @Test func keysExtendTheHoldAtMostEveryThirtySeconds() {
        var state = Fixture.holding(["C4"])
        #expect(state.update(.key(.right), now: Fixture.at(10)).isEmpty)
        #expect(state.update(.key(.left), now: Fixture.at(31)) == [.extend(["C4"])])
        #expect(state.update(.key(.right), now: Fixture.at(32)).isEmpty, "one extend at a time")
        _ = state.update(.extended(.success(Fixture.grant(["C4"], at: 32))), now: Fixture.at(32))
        #expect(state.update(.key(.left), now: Fixture.at(50)).isEmpty)
        #expect(state.update(.key(.character("x")), now: Fixture.at(63)) == [.extend(["C4"])])
    }

    @Test func aHoldAboutToEndIsExtendedWithinTheThrottle() {
        var settings = Fixture.settings
        settings.policy = LockPolicy(ttl: .seconds(20))
        var state = Fixture.holding(["C4"], settings: settings)
        #expect(state.update(.key(.right), now: Fixture.at(5)) == [.extend(["C4"])])
    }

    @Test func holdsStopBeingExtendedAtTheMaximumHold() {
        var state = Fixture.holding(["C4"])
        _ = state.update(.key(.right), now: Fixture.at(3500))
        let capped = Fixture.grant(["C4"], at: 3500, ttl: 100)
        _ = state.update(.extended(.success(capped)), now: Fixture.at(3500))
        #expect(state.message?.text.hasPrefix("Seats are held for at most 60 minutes: book by") == true)
        #expect(state.update(.key(.left), now: Fixture.at(3540)).isEmpty)
        #expect(render(state, size: state.size).lines.last?.contains("hold 01:00 (max)") == true)
    }

    @Test func theCountdownShowsMinutesAndSeconds() {
        var state = Fixture.holding(["C4"])
        _ = state.update(.tick, now: Fixture.at(61.2))
        #expect(state.secondsLeft == 839)
        let status = render(state, size: state.size).lines.last ?? ""
        #expect(status == " alice · C4 · hold 13:59 of 15 min · refreshed 08:00:00 · ● live · ? help")
    }

    @Test func anExpiredHoldReleasesTheSeatsWithAMessageNotAnError() {
        var state = Fixture.holding(["C4", "C5"])
        #expect(state.update(.tick, now: Fixture.at(899)) == [.poll(since: ShowtimeRevision(version: 7, nextExpiry: 0))])
        let expiry = Fixture.serverTime(at: 900)
        _ = state.update(.statusLoaded(Fixture.status(at: 899, mine: ["C4": expiry, "C5": expiry])), now: Fixture.at(899))
        #expect(state.mySeats == ["C4", "C5"])
        let effects = state.update(.tick, now: Fixture.at(900.5))
        #expect(effects == [.refresh])
        #expect(state.mySeats.isEmpty)
        #expect(state.state(of: "C4") == .available)
        #expect(state.message == .init(text: "Your hold on C4 and C5 expired, so they were released.", kind: .warning))
        let screen = render(state, size: state.size)
        #expect(screen.line(containing: "Your hold on C4 and C5 expired") != nil)
        #expect(screen.lines.last?.contains("no seats") == true)
    }

    @Test func aReloadThatNoLongerShowsMySeatReportsItsEnd() {
        var state = Fixture.holding(["C4"])
        _ = state.update(.statusLoaded(Fixture.status(at: 5, states: ["C4": .locked])), now: Fixture.at(5))
        #expect(state.mySeats.isEmpty)
        #expect(state.state(of: "C4") == .locked)
        #expect(state.message?.kind == .warning)
    }

    // MARK: Booking

    @Test func bookingAsksFirstAndSellsTheSeats() {
        var state = Fixture.holding(["C4", "C5"])
        #expect(state.update(.key(.character("b")), now: Fixture.at(1)).isEmpty)
        #expect(state.mode == .confirmingBooking(["C4", "C5"]))
        #expect(render(state, size: state.size).line(containing: "Book C4 and C5 for alice? Press y to book") != nil)
        _ = state.update(.key(.character("n")), now: Fixture.at(2))
        #expect(state.mode == .browsing)
        #expect(state.message?.text == "Booking cancelled; your seats are still held.")

        _ = state.update(.key(.character("b")), now: Fixture.at(3))
        #expect(state.update(.key(.character("y")), now: Fixture.at(4)) == [.book(["C4", "C5"])])
        let booking = Booking(id: 17, showtimeID: 42, user: "alice", seats: ["C4", "C5"], bookedAt: Fixture.serverTime(at: 4))
        #expect(state.update(.booked(.success(booking)), now: Fixture.at(4)) == [.refresh])
        #expect(state.state(of: "C4") == .occupied)
        #expect(state.mySeats.isEmpty)
        #expect(state.message?.text == "Booked C4 and C5 — booking 17. Enjoy the film!")
    }

    @Test func bookingNothingExplainsHow() {
        var state = Fixture.connected()
        _ = state.update(.key(.character("b")), now: Fixture.start)
        #expect(state.mode == .browsing)
        #expect(state.message?.text == "Select seats first: move with the arrow keys and press Space.")
    }

    // MARK: Keeping up with Redis

    @Test func everyPollIntervalTheMapAsksWhetherItChangedAndReloadsOnlyThen() {
        var state = Fixture.state()
        #expect(state.update(.tick, now: Fixture.start) == [.refresh], "the first load is whole")
        let loaded = ShowtimeRevision(version: 7, nextExpiry: 0)
        _ = state.update(.statusLoaded(Fixture.status(at: 0, revision: loaded)), now: Fixture.at(0.01))
        #expect(state.update(.tick, now: Fixture.at(5)).isEmpty)
        #expect(state.update(.tick, now: Fixture.at(10)) == [.poll(since: loaded)])
        #expect(state.update(.statusUnchanged(serverTime: Fixture.serverTime(at: 10)), now: Fixture.at(10.1)).isEmpty)
        #expect(state.refresh.lastArrival == Fixture.at(10.1), "the map is known current")
        #expect(state.update(.tick, now: Fixture.at(15)).isEmpty)
        #expect(state.update(.tick, now: Fixture.at(20)) == [.poll(since: loaded)])
        #expect(state.update(.key(.character("r")), now: Fixture.at(20.5)).isEmpty, "a reload is under way")
        #expect(state.update(.statusLoaded(Fixture.status(at: 20)), now: Fixture.at(20.6)) == [.refresh], "r asks for a whole reload")
    }

    @Test func afterAnOutageTheRetryReloadsTheWholeMap() {
        var state = Fixture.connected()
        _ = state.update(.tick, now: Fixture.at(10))
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(10.2))
        #expect(state.update(.tick, now: Fixture.at(11)) == [.refresh])
    }

    @Test func anIdleMapWakesOnlyToPollButCountdownsTickEverySecond() {
        let idle = Fixture.connected()
        #expect(idle.nextTick(after: Fixture.at(0.3)) == Fixture.at(10))
        let holding = Fixture.holding(["C4"])
        #expect(holding.nextTick(after: Fixture.at(0.3)) == Fixture.at(1))
        var offline = Fixture.connected()
        _ = offline.update(.tick, now: Fixture.at(10))
        _ = offline.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(10.2))
        #expect(offline.nextTick(after: Fixture.at(10.3)) == Fixture.at(11))
    }

    @Test func othersChangesShowAtOnceAndAreConfirmedByAReload() {
        var state = Fixture.connected()
        let change = SeatEvent(kind: .locked, showtimeID: 42, seats: ["B2"], at: Fixture.serverTime(at: 1))
        #expect(state.update(.feed(.change(change)), now: Fixture.at(1)) == [.refresh])
        #expect(state.state(of: "B2") == .locked)
        let release = SeatEvent(kind: .released, showtimeID: 42, seats: ["B2"], at: Fixture.serverTime(at: 2))
        _ = state.update(.feed(.change(release)), now: Fixture.at(2))
        #expect(state.state(of: "B2") == .available)
    }

    /// Nobody announces an expiry while no sweep runs: the map reloads itself when the
    /// earliest hold it shows runs out, not at its next poll.
    @Test func someoneElsesHoldThatRunsOutGoesWithinASecond() {
        var state = Fixture.connected()
        let expiry = Fixture.serverTime(at: 4.5)
        let revision = ShowtimeRevision(version: 8, nextExpiry: expiry.milliseconds)
        _ = state.update(.statusLoaded(Fixture.status(at: 0.2, states: ["B2": .locked], revision: revision)), now: Fixture.at(0.2))
        #expect(state.nextTick(after: Fixture.at(1)) == Fixture.at(4.5), "it wakes for the expiry, not the poll at 10 s")
        #expect(state.update(.tick, now: Fixture.at(4)).isEmpty)
        #expect(state.update(.tick, now: Fixture.at(4.6)) == [.refresh], "a full reload, as the revision has moved on")
        let after = ShowtimeRevision(version: 8, nextExpiry: 0)
        _ = state.update(.statusLoaded(Fixture.status(at: 4.7, revision: after)), now: Fixture.at(4.7))
        #expect(state.state(of: "B2") == .available)
        #expect(state.update(.tick, now: Fixture.at(5.6)).isEmpty, "once")
    }

    /// Started with Redis unreachable, the map shows no fake empty hall: seats it does
    /// not know are `?` and cannot be picked; the box office's are sold.
    @Test func aMapThatNeverLoadedShowsUnknownSeatsThatCannotBePicked() {
        var state = Fixture.state()
        _ = state.update(.tick, now: Fixture.start)
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(0.1))
        let screen = render(state, size: state.size)
        #expect(screen.row("A")?.trimmingCharacters(in: .whitespaces) == "A  ×  ?  ?  ?     ?  ?  ?  ?  A")
        #expect(screen.line(containing: "? not known yet: the map is loading") != nil)
        #expect(screen.line(containing: "not known yet: the map is loading") != nil)
        let effects = state.update(.key(.character(" ")), now: Fixture.at(0.2))
        #expect(!effects.contains { if case .lock = $0 { true } else { false } }, "nothing is locked: \(effects)")
        #expect(state.message?.text.hasPrefix("The map has not loaded yet") == true)
        _ = state.update(.statusLoaded(Fixture.status(at: 1)), now: Fixture.at(1))
        #expect(render(state, size: state.size).row("A")?.trimmingCharacters(in: .whitespaces) == "A  ×  ○  ○  ○     ○  ○  ○  ○  A")
    }

    @Test func myOwnLockAnnouncedBeforeItsAnswerStaysMine() {
        var state = Fixture.connected()
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        let change = SeatEvent(kind: .locked, showtimeID: 42, seats: ["C4"], at: Fixture.serverTime(at: 0))
        _ = state.update(.feed(.change(change)), now: Fixture.at(0.001))
        #expect(state.state(of: "C4") == .selected)
    }

    @Test func aLostFeedFallsBackToPolling() {
        var state = Fixture.connected()
        #expect(state.connection == .live)
        #expect(state.update(.feed(.disconnected(reason: "broken")), now: Fixture.at(1)) == [.refresh])
        _ = state.update(.statusLoaded(Fixture.status(at: 1)), now: Fixture.at(1.1))
        #expect(state.connection == .polling)
        #expect(render(state, size: state.size).lines.last?.contains("polling every 10 s") == true)
        #expect(state.update(.feed(.connected), now: Fixture.at(2)) == [.refresh])
        #expect(state.connection == .live)
    }

    @Test func aLostFeedIsCheckedAtOnceSoAnOutageShowsWithinASecond() {
        var state = Fixture.connected()
        // Redis goes away: the feed breaks first, long before the next poll is due.
        #expect(state.update(.feed(.disconnected(reason: "connection refused")), now: Fixture.at(1)) == [.refresh])
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(1.01))
        #expect(state.connection == .unreachable(retryAt: Fixture.at(1.51)))
        #expect(render(state, size: state.size).line(1).hasPrefix(" Redis unreachable") == true)
    }

    @Test func unreachableRedisShowsABannerRetriesWithBackoffAndRecovers() {
        var state = Fixture.connected()
        _ = state.update(.tick, now: Fixture.at(10))
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(10))
        #expect(state.connection == .unreachable(retryAt: Fixture.at(10.5)))
        #expect(render(state, size: state.size).line(1) == " Redis unreachable — retrying in 1 s; the map may be out of date")

        #expect(state.update(.tick, now: Fixture.at(10.2)).isEmpty)
        #expect(state.update(.tick, now: Fixture.at(10.6)) == [.refresh])
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(11.6))
        #expect(state.connection == .unreachable(retryAt: Fixture.at(12.6)))

        _ = state.update(.key(.down), now: Fixture.at(12))
        #expect(state.cursor.code == "D4", "keys keep working on what is shown")
        #expect(state.update(.key(.character(" ")), now: Fixture.at(12)) == [.refresh], "no lock: a retry at once")
        #expect(state.pending.isEmpty)
        #expect(state.message?.kind == .error)

        _ = state.update(.tick, now: Fixture.at(13))
        _ = state.update(.statusLoaded(Fixture.status(at: 13)), now: Fixture.at(13))
        #expect(state.connection == .live)
        #expect(state.message?.text == "Redis is back; the map is up to date again.")
        #expect(render(state, size: state.size).line(1).isEmpty)
    }

    /// "Redis is back" never stays beside a banner that says it is unreachable again.
    @Test func anOutageMessageNeverContradictsTheBanner() {
        var state = Fixture.connected()
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(1))
        _ = state.update(.statusLoaded(Fixture.status(at: 2)), now: Fixture.at(2))
        #expect(state.message?.text == "Redis is back; the map is up to date again.")
        _ = state.update(.statusFailed(.redisUnavailable("refused")), now: Fixture.at(3))
        let screen = render(state, size: state.size)
        #expect(screen.line(containing: "Redis unreachable") != nil)
        #expect(screen.line(containing: "is back") == nil, "\(screen.lines)")
    }

    @Test func aFailedLockWhileRedisIsDownIsUndone() {
        var state = Fixture.connected()
        _ = state.update(.key(.character(" ")), now: Fixture.start)
        _ = state.update(.locked(["C4"], .failure(.redisUnavailable("timeout"))), now: Fixture.at(1))
        #expect(state.state(of: "C4") == .available)
        #expect(state.pending.isEmpty)
        #expect(state.message?.text == "Redis is unreachable: C4 could not be locked.")
    }

    // MARK: Leaving

    @Test func quittingReleasesMySeatsThenFinishes() {
        var state = Fixture.holding(["C4", "B2"])
        _ = state.update(.key(.right), now: Fixture.at(1))
        _ = state.update(.key(.character(" ")), now: Fixture.at(1))
        #expect(state.update(.key(.character("q")), now: Fixture.at(2)) == [.leave(releasing: ["B2", "C4", "C5"])])
        #expect(state.update(.key(.character(" ")), now: Fixture.at(2)).isEmpty, "keys are ignored while leaving")
        _ = state.update(.left(released: ["B2", "C4", "C5"], failure: nil), now: Fixture.at(2))
        #expect(state.isFinished)
        #expect(state.outcome?.released == ["B2", "C4", "C5"])
    }

    /// alice holds A3 from the command line and C4 from this map: quitting releases C4 only.
    @Test func quittingReleasesOnlyWhatThisMapLocked() {
        var state = Fixture.holding(["C4"])
        let later = Fixture.serverTime(at: 900)
        _ = state.update(.statusLoaded(Fixture.status(at: 1, mine: ["A3": later, "C4": later])), now: Fixture.at(1))
        #expect(state.mySeats == ["A3", "C4"], "both show as hers")
        #expect(state.update(.key(.character("q")), now: Fixture.at(2)) == [.leave(releasing: ["C4"])])
        #expect(state.message?.text == "Releasing C4…")
    }

    /// Two maps of alice's: the other one quits and releases its seat, then books one of
    /// this map's seats. Neither is called an expiry, and this map no longer releases them.
    @Test func aHoldEndedByAnotherSessionSaysSoNotExpired() {
        var state = Fixture.holding(["C4", "C5"])
        let later = Fixture.serverTime(at: 900)
        _ = state.update(.statusLoaded(Fixture.status(at: 1, mine: ["A3": later, "C4": later, "C5": later])), now: Fixture.at(1))
        let released = SeatEvent(kind: .released, showtimeID: Fixture.showtime.id, seats: ["A3"], at: Fixture.serverTime(at: 2))
        _ = state.update(.feed(.change(released)), now: Fixture.at(2))
        #expect(state.message == .init(text: "A3 was released by another session of yours.", kind: .warning))
        #expect(state.state(of: "A3") == .available && state.mySeats == ["C4", "C5"])
        let booked = SeatEvent(kind: .booked, showtimeID: Fixture.showtime.id, seats: ["C5"], at: Fixture.serverTime(at: 3))
        _ = state.update(.feed(.change(booked)), now: Fixture.at(3))
        #expect(state.message == .init(text: "C5 was booked by another session of yours.", kind: .info))
        #expect(state.state(of: "C5") == .occupied && state.holds.lockedHere == ["C4"])
        #expect(state.update(.key(.character("q")), now: Fixture.at(4)) == [.leave(releasing: ["C4"])])
    }

    /// A hold missing from a reload long before its expiry, with nothing announced, is not
    /// called an expiry: the map cannot know whether it was released elsewhere or lost.
    @Test func aHoldGoneBeforeItsTimeIsNotCalledExpired() {
        var state = Fixture.holding(["C4"])
        _ = state.update(.statusLoaded(Fixture.status(at: 60)), now: Fixture.at(60))
        #expect(state.mySeats.isEmpty && state.holds.lockedHere.isEmpty)
        #expect(state.message?.text == "Your hold on C4 ended before its time: released elsewhere, or lost by Redis.")
        #expect(state.message?.text.contains("expired") == false)
    }

    @Test func aSignalOrCtrlCLeavesLikeQuit() {
        var state = Fixture.holding(["C4"])
        #expect(state.update(.terminate, now: Fixture.at(1)) == [.leave(releasing: ["C4"])])
        var other = Fixture.holding(["C4"])
        #expect(other.update(.key(.interrupt), now: Fixture.at(1)) == [.leave(releasing: ["C4"])])
    }

    @Test func leavingGivesUpWhenRedisDoesNotAnswer() {
        var state = Fixture.holding(["C4"])
        _ = state.update(.key(.character("q")), now: Fixture.at(1))
        _ = state.update(.tick, now: Fixture.at(3))
        #expect(!state.isFinished)
        _ = state.update(.tick, now: Fixture.at(6.5))
        #expect(state.isFinished)
        #expect(state.outcome?.unreleased == ["C4"])
    }

    // MARK: Help and resizing

    @Test func questionMarkTogglesTheHelp() {
        var state = Fixture.connected()
        _ = state.update(.key(.character("?")), now: Fixture.start)
        #expect(state.mode == .help)
        _ = state.update(.key(.right), now: Fixture.start)
        #expect(state.cursor.code == "C4", "moving waits until the help is closed")
        _ = state.update(.key(.escape), now: Fixture.start)
        #expect(state.mode == .browsing)
    }

    @Test func resizingChangesTheSizeToRenderFor() {
        var state = Fixture.connected()
        _ = state.update(.resize(ScreenSize(width: 120, height: 40)), now: Fixture.start)
        #expect(state.size == ScreenSize(width: 120, height: 40))
    }

    @Test func feedMessagesDecodeIntoSeatEvents() throws {
        let locked = Array(#"{"event":"locked","showtime_id":42,"seats":["C4","C5"],"expires_at":1800000900000,"at":1800000000000}"#.utf8)
        let event = try #require(SeatEvent(message: locked))
        #expect(event.kind == .locked)
        #expect(event.seats == ["C4", "C5"])
        #expect(event.expiresAt == Date(timeIntervalSince1970: 1_800_000_900))
        let empty = try #require(SeatEvent(message: Array(#"{"event":"expired","showtime_id":42,"seats":{},"at":1}"#.utf8)))
        #expect(empty.seats.isEmpty)
        #expect(SeatEvent(message: Array("not json".utf8)) == nil)
    }
}
