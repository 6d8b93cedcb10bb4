import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatRecords
@testable import SeatLocking
@testable import SeatMapUI

/// Showtimes, states and Redis answers for driving `update` and `render` without Redis.
enum Fixture {
    /// Local time at the start of every test; the server clock runs 2 s ahead.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let serverOffset: TimeInterval = 2

    /// Five rows `A`–`E` of 4 + 4 seats around an aisle; E1 and E8 are wheelchair spaces,
    /// row D is premium.
    static let showtime: Showtime = {
        let layout = try! SeatLayout(rowPatterns: [
            ("A", "ssss_ssss"), ("B", "ssss_ssss"), ("C", "ssss_ssss"), ("D", "pppp_pppp"), ("E", "wsss_sssw"),
        ])
        return Showtime(
            id: 42, title: "The Last Lighthouse", auditorium: "Studio 1",
            startsAt: Date(timeIntervalSince1970: 1_800_032_400), layout: layout, occupied: ["A1"])
    }()

    /// Without presence, so that each test sees only the effects it is about; the
    /// presence tests turn it on.
    static let settings = SeatMapSettings(appearance: .full, sharesPresence: false, joinsWaitingRoom: false)

    static func state(
        showtime: Showtime = showtime, settings: SeatMapSettings = settings, size: ScreenSize = ScreenSize(width: 80, height: 24),
        user: String = "alice"
    ) -> SeatMapState {
        SeatMapState(showtime: showtime, user: user, settings: settings, size: size, now: start)
    }

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }
    static func serverTime(at seconds: TimeInterval) -> Date { at(seconds + serverOffset) }

    /// A grant as the core answers it, `ttl` seconds from the server time.
    static func grant(_ seats: [SeatCode], at seconds: TimeInterval, ttl: TimeInterval = 900, replacing: [SeatCode] = []) -> LockGrant {
        let now = serverTime(at: seconds)
        return LockGrant(
            showtimeID: showtime.id, user: "alice",
            seats: seats.map { HeldSeat(code: $0, expiresAt: now.addingTimeInterval(ttl), token: 7) }, serverTime: now, replacing: replacing)
    }

    static func status(
        _ showtime: Showtime = showtime, at seconds: TimeInterval, states: [SeatCode: SeatState] = [:], mine: [SeatCode: Date] = [:],
        revision: ShowtimeRevision = ShowtimeRevision(version: 7, nextExpiry: 0)
    ) -> ShowtimeStatus {
        let seats = showtime.layout.seats.map { seat in
            let state = showtime.occupied.contains(seat.code) ? .occupied : states[seat.code] ?? (mine[seat.code] != nil ? .selected : .available)
            return SeatStatus(seat: seat, state: state, expiresAt: mine[seat.code])
        }
        return ShowtimeStatus(showtime: showtime, viewer: "alice", seats: seats, serverTime: serverTime(at: seconds), revision: revision)
    }

    /// A state that loaded its first status and is connected to the change feed.
    static func connected(
        showtime: Showtime = showtime, settings: SeatMapSettings = settings, size: ScreenSize = ScreenSize(width: 80, height: 24),
        user: String = "alice"
    ) -> SeatMapState {
        var state = state(showtime: showtime, settings: settings, size: size, user: user)
        _ = state.update(.tick, now: start)
        _ = state.update(.statusLoaded(status(showtime, at: 0)), now: start)
        _ = state.update(.feed(.connected), now: start)
        _ = state.update(.statusLoaded(status(showtime, at: 0)), now: start)
        return state
    }

    /// A connected state holding `seats`, locked at time 0.
    static func holding(
        _ seats: [SeatCode], settings: SeatMapSettings = settings, size: ScreenSize = ScreenSize(width: 80, height: 24), user: String = "alice"
    ) -> SeatMapState {
        var state = connected(settings: settings, size: size, user: user)
        _ = state.update(.locked(seats, .success(grant(seats, at: 0, ttl: settings.policy.ttl.seconds))), now: start)
        return state
    }
}

extension ScreenBuffer {
    /// The first line containing `text`, if any.
    func line(containing text: String) -> String? {
        lines.first { $0.contains(text) }
    }

    /// The line of a seat row: it starts with the row label.
    func row(_ label: String) -> String? {
        lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label + " ") && $0.hasSuffix(" " + label) }
    }

    /// The first cell showing `glyph` in a line.
    func cell(of glyph: Unicode.Scalar, inLine y: Int) -> Cell? {
        (0..<size.width).map { self[$0, y] }.first { $0.glyph == glyph }
    }
}
