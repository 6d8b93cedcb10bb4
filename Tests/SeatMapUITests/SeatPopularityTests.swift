import CinebookModel
import Foundation
import SeatRecords
import Testing
@testable import SeatLocking
@testable import SeatMapUI

/// Key `p`: the hall as a heat map of how often each seat was picked, with a legend, in
/// colour and readable without it.
@Suite struct SeatPopularityTests {
    /// B2 held three times (two released, one booked), B3 once (booked); C5 is held by
    /// someone else now, which counts as a pick.
    private static let stats: ShowtimeStats = {
        var sequence: Int64 = 0
        func entry(_ event: HistoryEntry.Event, _ seats: [SeatCode]) -> HistoryEntry {
            sequence += 1
            return HistoryEntry(
                id: .init(milliseconds: 1_800_000_000_000, sequence: sequence), showtimeID: Fixture.showtime.id, event: event,
                seats: seats, user: "someone", at: Fixture.start, heldMilliseconds: 1000)
        }
        return ShowtimeStats(showtimeID: Fixture.showtime.id, entries: [
            entry(.released, ["B2"]), entry(.released, ["B2"]), entry(.unavailable, ["B2"]), entry(.booked, ["B2", "B3"]),
        ])
    }()

    private func showingPopularity(_ appearance: Appearance) -> (SeatMapState, [SeatMapEffect]) {
        var settings = Fixture.settings
        settings.appearance = appearance
        var state = Fixture.connected(settings: settings)
        _ = state.update(.statusLoaded(Fixture.status(at: 0, states: ["C5": .locked])), now: Fixture.start)
        let effects = state.update(.key(.character("p")), now: Fixture.start)
        return (state, effects)
    }

    @Test func pShowsTheHallAsAHeatMapWithALegendInColour() throws {
        var (state, effects) = showingPopularity(.full)
        #expect(effects == [.loadStats])
        #expect(render(state, size: state.size).line(containing: "Loading seat popularity…") != nil)
        _ = state.update(.statsLoaded(.success(Self.stats)), now: Fixture.start)
        _ = state.update(.key(.up), now: Fixture.start)
        _ = state.update(.key(.left), now: Fixture.start)

        let screen = render(state, size: state.size)
        #expect(screen.row("A")?.trimmingCharacters(in: .whitespaces) == "A  ·  ·  ·  ·     ·  ·  ·  ·  A", "A1 sold at the box office: never picked here")
        #expect(screen.row("B")?.trimmingCharacters(in: .whitespaces) == "B  ·  █ [▒] ·     ·  ·  ·  ·  B")
        #expect(screen.row("C")?.trimmingCharacters(in: .whitespaces) == "C  ·  ·  ·  ·     ▒  ·  ·  ·  C")
        #expect(screen.line(containing: "times picked  · never  ▒ 1  ▓ 2  █ 3") != nil, "\(screen.lines)")
        #expect(screen.line(containing: "B3 · picked once, booked once · standard seat") != nil)
        #expect(screen.line(containing: "Seat popularity: how often each seat was held") != nil)
        var colours: [Int: TerminalColor?] = [:]
        let y = try #require(screen.lines.firstIndex { $0 == screen.row("B") })
        for level in [0, 4] { colours[level] = screen.cell(of: Appearance.full.heatGlyph(level), inLine: y)?.style.foreground }
        #expect(colours[4] == .red && colours[0] == .some(nil), "\(colours)")
        #expect(Set((1...4).map { Appearance.full.heatStyle($0).foreground }).count == 4, "a colour per level")

        _ = state.update(.key(.character("p")), now: Fixture.start)
        #expect(render(state, size: state.size).row("B")?.trimmingCharacters(in: .whitespaces) == "B  ○  ○ [○] ○     ○  ○  ○  ○  B",
                "p again: back to the seat map")
    }

    @Test func withoutColourTheLevelsShowInTheGlyphs() throws {
        var (state, _) = showingPopularity(.plain)
        _ = state.update(.statsLoaded(.success(Self.stats)), now: Fixture.start)
        let screen = render(state, size: state.size)
        #expect(screen.lines.allSatisfy { $0.allSatisfy(\.isASCII) })
        #expect(screen.row("B")?.trimmingCharacters(in: .whitespaces) == "B  .  #  +  .     .  .  .  .  B")
        #expect(screen.line(containing: "times picked  . never  + 1  * 2  # 3") != nil, "\(screen.lines)")
        let y = try #require(screen.lines.firstIndex { $0 == screen.row("B") })
        #expect(screen.cell(of: "#", inLine: y)?.style.foreground == nil)
    }

    @Test func aFailedLoadGoesBackToTheMapAndSaysWhy() {
        var (state, _) = showingPopularity(.full)
        _ = state.update(.statsLoaded(.failure(.databaseUnavailable("The database is down."))), now: Fixture.start)
        #expect(state.mode == .browsing)
        #expect(state.message?.text.hasPrefix("Seat popularity is unavailable: The database is down.") == true)
    }

    @Test func everyPickCountFallsInTheLevelTheLegendGivesIt() {
        for most in 1...40 {
            let picks = Dictionary(uniqueKeysWithValues: (0...most).map { ("S\($0 + 1)", $0) })
            let wire = ShowtimeStats(showtimeID: 1, entries: picks.flatMap { code, count in
                (0..<count).map { index in
                    HistoryEntry(id: .init(milliseconds: Int64(index), sequence: Int64(code.dropFirst())!), showtimeID: 1,
                                 event: .released, seats: [SeatCode(code)!], user: nil, at: Fixture.start)
                }
            })
            let popularity = SeatPopularity(wire, held: [])
            #expect(popularity.most == most)
            for (code, count) in picks {
                let level = popularity.level(of: SeatCode(code)!)
                #expect(popularity.range(of: level)?.contains(count) == true, "most \(most): \(count) picks at level \(level)")
            }
            #expect(popularity.level(of: SeatCode(row: "S", number: most + 1)) == SeatPopularity.levels, "the most picked seat is the hottest")
        }
    }
}
