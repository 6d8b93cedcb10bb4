import CinebookModel

/// The hall as the seat map draws it, the one drawing of it: the screen marker, the seat
/// numbers of the widest row, and each visible row between its labels, every seat in the
/// look its caller gives it. The terminal map draws it with its cursor; `SeatMapText`
/// draws the whole hall for a pipe.
struct HallDrawing {
    let layout: SeatLayout
    let geometry: SeatMapGeometry
    let look: Appearance
    /// The seat under the cursor, in reverse (with brackets in wide cells); its row label
    /// and column number in bold.
    let cursor: Seat?

    /// Draws the hall, each seat as `seatLook` says it looks.
    func draw(into screen: inout ScreenBuffer, seatLook: (Seat) -> SeatLook) {
        drawScreenMarker(into: &screen)
        drawSeatNumbers(into: &screen)
        drawRows(into: &screen, seatLook: seatLook)
    }

    typealias SeatLook = (glyph: Unicode.Scalar, style: CellStyle)

    private var wide: Bool { geometry.cellWidth == 3 }

    private func put(_ text: String, x: Int, y: Int, _ style: CellStyle, into screen: inout ScreenBuffer) {
        screen.write(DisplayWidth.fitted(look.text(text), to: max(0, screen.size.width - x), ellipsis: look.ellipsis), x: x, y: y, style: style)
    }

    private func drawScreenMarker(into screen: inout ScreenBuffer) {
        let span = geometry.gridWidth - (wide ? 2 : 1)
        let label = " SCREEN "
        let side = max(1, (span - label.count) / 2)
        let line = String(repeating: look.screenLine, count: side)
        let marker = line + label + String(repeating: look.screenLine, count: max(1, span - side - label.count))
        put(marker, x: geometry.gridLeft + (wide ? 1 : 0), y: geometry.gridTop - 2, look.emphasis, into: &screen)
    }

    /// Numbers of the widest row above the grid.
    private func drawSeatNumbers(into screen: inout ScreenBuffer) {
        guard let reference = layout.rows.max(by: { $0.cells.count < $1.cells.count }) else { return }
        var lastEnd = Int.min
        for column in geometry.visibleColumnRange where column < reference.cells.count {
            guard let seat = reference.cells[column] else { continue }
            let text = String(seat.number)
            let glyphX = geometry.x(ofColumn: column) + (wide ? 1 : 0)
            let start = glyphX - (text.count - 1)
            // Wide cells always leave a space between numbers; narrow ones skip a number that would touch the last.
            guard start > lastEnd + (wide ? 0 : 1) else { continue }
            put(text, x: start, y: geometry.gridTop - 1, column == cursor?.column ? look.emphasis : look.quiet, into: &screen)
            lastEnd = start + text.count - 1
        }
    }

    private func drawRows(into screen: inout ScreenBuffer, seatLook: (Seat) -> SeatLook) {
        for rowIndex in geometry.visibleRowRange {
            let row = layout.rows[rowIndex]
            let y = geometry.y(ofRow: rowIndex)
            let labelStyle = rowIndex == cursor?.rowIndex ? look.emphasis : look.quiet
            put(String(repeating: " ", count: geometry.labelWidth - row.label.count) + row.label, x: geometry.left, y: y, labelStyle, into: &screen)
            put(row.label, x: geometry.rightLabel, y: y, labelStyle, into: &screen)
            for column in geometry.visibleColumnRange where column < row.cells.count {
                if let seat = row.cells[column] { drawSeat(seat, seatLook(seat), y: y, into: &screen) }
            }
        }
    }

    private func drawSeat(_ seat: Seat, _ look: SeatLook, y: Int, into screen: inout ScreenBuffer) {
        var (glyph, style) = look
        let x = geometry.x(ofColumn: seat.column)
        guard seat.code == cursor?.code else {
            screen[wide ? x + 1 : x, y] = Cell(glyph, style: style)
            return
        }
        style.reverse = true
        style.bold = true
        screen[wide ? x + 1 : x, y] = Cell(glyph, style: style)
        if wide {
            screen[x, y] = Cell("[", style: style)
            screen[x + 2, y] = Cell("]", style: style)
        }
    }
}
