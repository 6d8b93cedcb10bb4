import CinebookModel
import SeatLocking
import SeatMapUI
import SeatRecords

/// The seat map of `cinebook status` as plain text, readable in a pipe or a log:
///
/// ```
/// Showtime 1 · The Last Lighthouse · Studio 1 · Wed 25 Nov 17:00 GMT
///
///           ---------- SCREEN ----------
///      1  2  3  4  5  6  7  8
///   A  .  .  X  X  #  .  .  .   A
/// ```
enum SeatMapText {
    /// The seat map's own ASCII glyphs, so the text map and the terminal map agree.
    private static let look = Appearance.plain

    /// `booked`: the viewer's sold seats, marked `B` (their own bookings).
    static func render(_ status: ShowtimeStatus, booked: Set<SeatCode> = []) -> String {
        let showtime = status.showtime
        let layout = showtime.layout
        let states = Dictionary(uniqueKeysWithValues: status.seats.map { ($0.seat.code, $0.state) })
        let labelWidth = layout.rows.map(\.label.count).max() ?? 1
        let margin = String(repeating: " ", count: labelWidth + 2)
        var lines = ["Showtime \(showtime.id) · \(showtime.title) · \(showtime.auditorium) · \(CinemaTime.day(showtime.startsAt, in: showtime.timeZone, zoneNamed: true))", ""]
        let screen = " SCREEN "
        let gridWidth = layout.width * 3
        let dashes = max(2, (gridWidth - screen.count) / 2)
        lines.append(margin + String(repeating: "-", count: dashes) + screen + String(repeating: "-", count: dashes))
        if let widest = layout.rows.max(by: { $0.cells.count < $1.cells.count }) {
            lines.append(margin + widest.cells.map { cell in cell.map { pad(String($0.number)) } ?? "   " }.joined())
        }
        for row in layout.rows {
            let label = row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            let cells = row.cells.map { cell -> String in
                guard let seat = cell else { return "   " }
                let state = states[seat.code] ?? .available
                return pad(String(state == .occupied && booked.contains(seat.code) ? look.bookedGlyph : look.glyph(state)))
            }.joined()
            lines.append("\(label)  \(cells)  \(row.label)")
        }
        lines.append("")
        let counts = SeatState.allCases.map { state in
            "\(look.glyph(state)) \(state.rawValue) \(status.seats.filter { $0.state == state }.count)"
        }
        let yours = status.seats.filter { $0.state == .occupied && booked.contains($0.seat.code) }.count
        lines.append((counts + (yours > 0 ? ["\(look.bookedGlyph) booked by \(status.viewer ?? "you") \(yours)"] : [])).joined(separator: "   "))
        let mine = status.seats(in: .selected)
        if let viewer = status.viewer, let until = mine.compactMap(\.expiresAt).min() {
            lines.append("\(viewer) holds \(mine.map(\.seat.code).joined(separator: " ")) until \(CinemaTime.clock(until, in: showtime.timeZone, zoneNamed: true)).")
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: max(0, 3 - text.count)) + text
    }
}
