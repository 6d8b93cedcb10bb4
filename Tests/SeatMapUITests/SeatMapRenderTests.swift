import CinebookModel
import Foundation
import Testing
@testable import SeatLocking
@testable import SeatMapUI

@Suite struct SeatMapRenderTests {
    /// A connected state with one seat in each state: A1 sold, B2 held by someone else,
    /// C5 mine, the rest free; the cursor on C4.
    private func mixed(_ appearance: Appearance = .full, size: ScreenSize = ScreenSize(width: 80, height: 24)) -> SeatMapState {
        var settings = Fixture.settings
        settings.appearance = appearance
        var state = Fixture.connected(settings: settings, size: size)
        let mine = Fixture.serverTime(at: 900)
        _ = state.update(.statusLoaded(Fixture.status(at: 0, states: ["B2": .locked], mine: ["C5": mine])), now: Fixture.start)
        return state
    }

    @Test func theMapShowsTitleScreenRowsNumbersLegendAndStatus() {
        let screen = render(mixed(), size: ScreenSize(width: 80, height: 24))
        #expect(screen.line(0).hasPrefix(" The Last Lighthouse · Studio 1 · Fri 15 Jan 17:00"))
        #expect(screen.line(0).hasSuffix("showtime 42"))
        #expect(screen.line(2).contains("━━ SCREEN ━━"))
        #expect(screen.line(3).trimmingCharacters(in: .whitespaces) == "1  2  3  4     5  6  7  8")
        #expect(screen.row("A")?.trimmingCharacters(in: .whitespaces) == "A  ×  ○  ○  ○     ○  ○  ○  ○  A")
        #expect(screen.row("B")?.trimmingCharacters(in: .whitespaces) == "B  ○  ◐  ○  ○     ○  ○  ○  ○  B")
        #expect(screen.row("C")?.trimmingCharacters(in: .whitespaces) == "C  ○  ○  ○ [○]    ●  ○  ○  ○  C")
        #expect(screen.line(containing: "○ available 37  ● yours 1  ◐ held by others 1  × sold 1") != nil)
        #expect(screen.line(containing: "C4 · standard seat · available — Space selects it") != nil)
        #expect(screen.line(23) == " alice · C5 · hold 15:00 of 15 min · refreshed 08:00:00 · ● live · ? help")
    }

    @Test func theStatesHaveAGlyphAndAColourEach() throws {
        let state = mixed()
        let screen = render(state, size: state.size)
        var colours: [SeatState: TerminalColor] = [:]
        for (label, state) in [("A", SeatState.occupied), ("B", .locked), ("C", .selected), ("C", .available)] {
            let y = try #require(screen.lines.firstIndex { $0 == screen.row(label) })
            let glyph = Appearance.full.glyph(state)
            colours[state] = try #require(screen.cell(of: glyph, inLine: y)?.style.foreground)
        }
        #expect(Set(colours.values).count == 4)
        #expect(Set(SeatState.allCases.map(Appearance.full.glyph)).count == SeatState.allCases.count)
        #expect(Set(SeatState.allCases.map(Appearance.plain.glyph)).count == SeatState.allCases.count)
        #expect(Set(SeatState.allCases.compactMap { Appearance.full.style($0).foreground }).count == SeatState.allCases.count)
    }

    @Test func withoutUnicodeOrColourTheStatesStillDiffer() throws {
        let state = mixed(.plain)
        let screen = render(state, size: state.size)
        #expect(screen.lines.allSatisfy { $0.allSatisfy(\.isASCII) })
        #expect(screen.line(0).hasPrefix(" The Last Lighthouse | Studio 1 | Fri 15 Jan 17:00"))
        #expect(screen.row("A")?.trimmingCharacters(in: .whitespaces) == "A  X  .  .  .     .  .  .  .  A")
        #expect(screen.row("B")?.trimmingCharacters(in: .whitespaces) == "B  .  #  .  .     .  .  .  .  B")
        #expect(screen.row("C")?.trimmingCharacters(in: .whitespaces) == "C  .  .  . [.]    @  .  .  .  C")
        #expect(screen.line(containing: ". available 37  @ yours 1  # held by others 1  X sold 1") != nil)
        var styles: [SeatState: CellStyle] = [:]
        for (label, state) in [("A", SeatState.occupied), ("B", .locked), ("C", .selected), ("C", .available)] {
            let y = try #require(screen.lines.firstIndex { $0 == screen.row(label) })
            styles[state] = try #require(screen.cell(of: Appearance.plain.glyph(state), inLine: y)?.style)
        }
        #expect(styles.values.allSatisfy { $0.foreground == nil && $0.background == nil })
        #expect(Set(styles.values).count == 4)
    }

    @Test func theCursorIsHighlightedInEveryState() throws {
        var state = mixed()
        for _ in 0..<2 { _ = state.update(.key(.up), now: Fixture.start) }
        for _ in 0..<3 { _ = state.update(.key(.left), now: Fixture.start) }
        let screen = render(state, size: state.size)
        let y = try #require(screen.lines.firstIndex { $0 == screen.row("A") })
        #expect(screen.line(y).contains("[×]"))
        #expect(screen.cell(of: "×", inLine: y)?.style.reverse == true)
        #expect(screen.line(containing: "A1 · standard seat · sold") != nil)
    }

    @Test func premiumAndWheelchairSeatsAreNamedUnderTheCursor() {
        var state = mixed()
        _ = state.update(.key(.down), now: Fixture.start)
        #expect(render(state, size: state.size).line(containing: "D4 · premium seat · available") != nil)
        _ = state.update(.key(.down), now: Fixture.start)
        for _ in 0..<3 { _ = state.update(.key(.left), now: Fixture.start) }
        #expect(render(state, size: state.size).line(containing: "E1 · wheelchair space · available") != nil)
    }

    @Test func theHelpListsEveryKey() {
        var state = mixed()
        _ = state.update(.key(.character("?")), now: Fixture.start)
        let text = render(state, size: state.size).lines.joined(separator: "\n")
        for key in ["←↑↓→  h j k l", "Space  Enter", "mouse click", "a  1–3", "b ", "p ", "r ", "Esc", "? ", "q  Ctrl-C"] {
            #expect(text.contains("│ " + key), "help lists \(key)")
        }
    }

    /// Wide names are measured in columns and cut with an ellipsis: the footer never
    /// garbles, and the countdown and the connection stay on screen.
    @Test(arguments: [40, 50])
    func aWideNameFitsTheStatusBar(width: Int) throws {
        let size = ScreenSize(width: width, height: 20)
        let state = Fixture.holding(["C4"], size: size, user: "🎬🎬🎬 Zoë 中文名字")
        let screen = render(state, size: size)
        let last = screen.line(size.height - 1)
        #expect(DisplayWidth.of(last) <= width, "\(last)")
        #expect(last.hasPrefix(" 🎬🎬🎬 Zo") && last.contains("…"), "\(last)")
        #expect(last.contains("hold 15:00"), "\(last)")
        for x in [1, 3, 5] { #expect(screen[x + 1, size.height - 1].isContinuation, "each emoji takes two columns") }
    }

    @Test func aLongNameLeavesRoomForTheCountdownAndTheConnection() {
        let state = Fixture.holding(["C4"], user: String(repeating: "n", count: 64))
        let last = render(state, size: state.size).line(23)
        #expect(last.contains("hold 15:00") && last.contains("● live"), "\(last)")
        #expect(last.contains("nnnn…"))
    }

    @Test func textCutToFitEndsWithAnEllipsis() {
        var state = Fixture.connected(size: ScreenSize(width: 40, height: 20))
        _ = state.update(.statusLoaded(Fixture.status(at: 0, states: ["C4": .locked])), now: Fixture.start)
        let line = render(state, size: state.size).line(containing: "C4 ·")
        #expect(line?.hasSuffix("…") == true, "\(line ?? "")")
        #expect(line.map { DisplayWidth.of($0) <= 40 } == true)
    }

    @Test(arguments: [ScreenSize(width: 30, height: 13), ScreenSize(width: 60, height: 16)])
    func theHelpAlwaysSaysHowToCloseIt(size: ScreenSize) {
        var state = Fixture.connected(size: size)
        _ = state.update(.key(.character("?")), now: Fixture.start)
        let text = render(state, size: size).lines.joined(separator: "\n")
        #expect(text.contains("? closes") || text.contains("Press ? or Esc to close."), "\(text)")
        #expect(text.contains("Keys"))
    }

    /// Your own bookings are marked as yours, and premium seats and wheelchair spaces show
    /// on the map, with the legend naming them.
    @Test func yourBookingsPremiumSeatsAndWheelchairSpacesAreMarked() throws {
        var state = Fixture.state()
        _ = state.update(.tick, now: Fixture.start)
        let effects = state.update(.statusLoaded(Fixture.status(at: 0, states: ["A2": .occupied, "A3": .occupied])), now: Fixture.start)
        #expect(effects.filter { $0 == .loadBookings }.count == 1, "the user's bookings are asked for with the first status: \(effects)")
        #expect(!state.update(.statusLoaded(Fixture.status(at: 1, states: ["A2": .occupied, "A3": .occupied])), now: Fixture.at(1)).contains(.loadBookings))
        let mine = Booking(id: 7, showtimeID: Fixture.showtime.id, user: "alice", seats: ["A2"], bookedAt: Fixture.serverTime(at: 0))
        _ = state.update(.bookingsLoaded(.success([mine])), now: Fixture.at(1))
        let screen = render(state, size: state.size)
        #expect(screen.row("A")?.trimmingCharacters(in: .whitespaces) == "A  ×  ◆  ×  ○     ○  ○  ○  ○  A", "A2 is alice's, A3 someone else's")
        #expect(screen.row("D")?.trimmingCharacters(in: .whitespaces) == "D  ◎  ◎  ◎  ◎     ◎  ◎  ◎  ◎  D")
        #expect(screen.row("E")?.trimmingCharacters(in: .whitespaces) == "E  Ⓦ  ○  ○  ○     ○  ○  ○  Ⓦ  E")
        let marks = try #require(screen.line(containing: "premium"), "\(screen.lines)")
        #expect(marks.contains("◆ booked by you 1") && marks.contains("◎ premium") && marks.contains("Ⓦ wheelchair"), "\(marks)")
        #expect(screen.line(containing: "○ available") != nil, "the legend of the states is as it was")
        let y = try #require(screen.lines.firstIndex { $0 == screen.row("A") })
        #expect(screen.cell(of: "◆", inLine: y)?.style.foreground == .cyan)

        var plain = Fixture.settings
        plain.appearance = .plain
        var ascii = Fixture.connected(settings: plain)
        _ = ascii.update(.bookingsLoaded(.success([mine])), now: Fixture.at(1))
        _ = ascii.update(.statusLoaded(Fixture.status(at: 1, states: ["A2": .occupied])), now: Fixture.at(1))
        let text = render(ascii, size: ascii.size)
        #expect(text.row("A")?.trimmingCharacters(in: .whitespaces) == "A  X  B  .  .     .  .  .  .  A")
        #expect(text.row("E")?.trimmingCharacters(in: .whitespaces) == "E  w  .  .  .     .  .  .  w  E")
    }

    @Test func aTooSmallTerminalSaysHowBigItMustBe() {
        var state = mixed()
        _ = state.update(.resize(ScreenSize(width: 24, height: 8)), now: Fixture.start)
        let text = render(state, size: state.size).lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains("at least 30 columns by 13 lines"))
        #expect(text.contains("this one is 24 by 8"))
    }

    @Test func aTallGridScrollsWithTheCursor() throws {
        let showtime = try Self.largeShowtime()
        var state = Fixture.connected(showtime: showtime, size: ScreenSize(width: 80, height: 20))
        var screen = render(state, size: state.size)
        #expect(screen.row("A") == nil)
        #expect(screen.row(state.cursor.row) != nil)
        #expect(screen.line(containing: "▲ 4 more rows · ▼ 6 more rows") != nil)
        for _ in 0..<20 { _ = state.update(.key(.up), now: Fixture.start) }
        screen = render(state, size: state.size)
        #expect(screen.row("A") != nil)
        #expect(screen.line(containing: "▼ 10 more rows") != nil)
        #expect(screen.line(2).contains("SCREEN"))
    }

    @Test func aNarrowTerminalUsesNarrowerSeatsThenScrollsSideways() throws {
        let showtime = try Self.largeShowtime()
        var state = Fixture.connected(showtime: showtime, size: ScreenSize(width: 60, height: 40))
        var screen = render(state, size: state.size)
        #expect(screen.row("A")?.contains("○ ○ ○") == true)
        #expect(screen.line(containing: "more columns") == nil)
        _ = state.update(.resize(ScreenSize(width: 40, height: 40)), now: Fixture.start)
        screen = render(state, size: state.size)
        #expect(screen.line(containing: "◀ 2 more columns · ▶ 4 more columns") != nil)
        for _ in 0..<15 { _ = state.update(.key(.right), now: Fixture.start) }
        screen = render(state, size: state.size)
        #expect(screen.line(containing: "◀ 6 more columns") != nil)
        #expect(screen.line(containing: "▶") == nil)
    }

    @Test func renderingDependsOnlyOnStateAndSize() {
        let state = mixed()
        #expect(render(state, size: state.size) == render(state, size: state.size))
    }

    /// 20 rows of 5 + 12 + 5 seats, like the largest auditorium.
    static func largeShowtime() throws -> Showtime {
        let labels = (0..<20).map { String(UnicodeScalar(UInt8(65 + $0))) }
        let layout = try SeatLayout(rowPatterns: labels.map { ($0, "sssss_ssssssssssss_sssss") })
        return Showtime(id: 43, title: "Orbit of Giants", auditorium: "Grand Hall", startsAt: Fixture.showtime.startsAt, layout: layout)
    }
}
