import CinebookModel

/// The seat map of `cinebook status` as plain text, readable in a pipe or a log: the
/// hall as the terminal map draws it (`HallDrawing`), in ASCII, with a title and the counts.
///
/// ```
/// Showtime 1 · The Last Lighthouse · Studio 1 · Wed 25 Nov 17:00 GMT
///
///     ------------ SCREEN ------------
///      1  2  3  4  5  6  7  8  9 10
///   A  .  .  X  X  #  .  .  .  .  .  A
/// ```
public enum SeatMapText {
    /// The seat map's own ASCII glyphs, so the text map and the terminal map agree.
    private static let look = Appearance.plain

    /// `booked`: the viewer's sold seats, marked `B` (their own bookings).
    public static func render(_ status: ShowtimeStatus, booked: Set<SeatCode> = []) -> String {
        let showtime = status.showtime
        var lines = ["Showtime \(showtime.id) · \(showtime.title) · \(showtime.auditorium) · \(CinemaTime.day(showtime.startsAt, in: showtime.timeZone, zoneNamed: true))", ""]
        lines += hall(status, booked: booked)
        lines.append("")
        let counts = SeatState.allCases.compactMap { state -> String? in
            let count = status.seats.filter { $0.state == state }.count
            // Kept back by the house: only in an operator's map, where there are any.
            return state == .house && count == 0 ? nil : "\(look.glyph(state)) \(state.rawValue) \(count)"
        }
        let yours = status.seats.filter { $0.state == .occupied && booked.contains($0.seat.code) }.count
        let marks = (yours > 0 ? ["\(look.bookedGlyph) booked by \(status.viewer ?? "you") \(yours)"] : [])
            + [SeatCategory.premium, .wheelchair].filter(showtime.layout.categories.contains).map { "\(look.availableGlyph($0)) \($0.rawValue)" }
        lines.append((counts + marks).joined(separator: "   "))
        let mine = status.seats(in: .selected)
        if let viewer = status.viewer, let until = mine.compactMap(\.expiresAt).min() {
            lines.append("\(viewer) holds \(mine.map(\.seat.code).joined(separator: " ")) until \(CinemaTime.clock(until, in: showtime.timeZone, zoneNamed: true)).")
        }
        return lines.joined(separator: "\n")
    }

    /// The whole hall, from the screen marker to the last row, on a screen just large
    /// enough that nothing scrolls.
    private static func hall(_ status: ShowtimeStatus, booked: Set<SeatCode>) -> [String] {
        let layout = status.showtime.layout
        guard let anySeat = layout.rows.lazy.flatMap({ $0.cells.compactMap { $0 } }).first else { return [] }
        let labelWidth = layout.rows.map(\.label.count).max() ?? 1
        let size = ScreenSize(
            width: max(SeatMapGeometry.minimumSize.width, 2 * (labelWidth + 1) + layout.width * 3),
            height: max(SeatMapGeometry.minimumSize.height, SeatMapGeometry.linesAbove + layout.rows.count + SeatMapGeometry.linesBelow))
        let geometry = SeatMapGeometry(layout: layout, size: size, cursor: anySeat)
        let states = Dictionary(uniqueKeysWithValues: status.seats.map { ($0.seat.code, $0.state) })
        var screen = ScreenBuffer(size: size)
        HallDrawing(layout: layout, geometry: geometry, look: look, cursor: nil).draw(into: &screen) { seat in
            let state = states[seat.code] ?? .available
            if state == .occupied && booked.contains(seat.code) { return (look.bookedGlyph, .plain) }
            return (state == .available ? look.availableGlyph(seat.category) : look.glyph(state), .plain)
        }
        return (geometry.gridTop - 2..<geometry.belowGrid).map(screen.line)
    }
}
