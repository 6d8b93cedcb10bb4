import CinebookModel

/// Where the seat grid sits on the screen: cell width, margins, and which rows and
/// columns are visible when the grid is larger than the terminal (it then scrolls with
/// the cursor). `render` draws with it and clicks are mapped back through it.
struct SeatMapGeometry: Hashable {
    /// Lines above the grid: title, banner, screen marker, seat numbers.
    static let linesAbove = 4
    /// Lines below the grid: scroll hints, legend, seat details, two message lines, status bar.
    static let linesBelow = 6
    static let minimumRows = 3
    static let minimumSize = ScreenSize(width: 30, height: linesAbove + minimumRows + linesBelow)

    let size: ScreenSize
    let isTooSmall: Bool
    /// Columns per seat: 3 (` ○ `) when the grid fits that way, else 2 (`○ `).
    let cellWidth: Int
    let labelWidth: Int
    /// Screen column of the left row labels.
    let left: Int
    let firstRow: Int
    let visibleRows: Int
    let firstColumn: Int
    let visibleColumns: Int
    let rowCount: Int
    let columnCount: Int

    init(layout: SeatLayout, size: ScreenSize, cursor: Seat) {
        self.size = size
        rowCount = layout.rows.count
        columnCount = layout.width
        labelWidth = layout.rows.map(\.label.count).max() ?? 1
        isTooSmall = size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
        let margins = 2 * (labelWidth + 1)
        let room = max(0, size.width - margins)
        cellWidth = columnCount * 3 <= room ? 3 : 2
        visibleColumns = min(columnCount, max(1, room / cellWidth))
        visibleRows = min(rowCount, max(1, size.height - Self.linesAbove - Self.linesBelow))
        firstRow = Self.window(around: cursor.rowIndex, visible: visibleRows, total: rowCount)
        firstColumn = Self.window(around: cursor.column, visible: visibleColumns, total: columnCount)
        left = max(0, (size.width - margins - visibleColumns * cellWidth) / 2)
    }

    /// The first index of a window of `visible` items out of `total` that keeps `index`
    /// near its middle.
    private static func window(around index: Int, visible: Int, total: Int) -> Int {
        guard total > visible else { return 0 }
        return min(max(0, index - visible / 2), total - visible)
    }

    /// Screen column where the cells start (after the left labels and a space).
    var gridLeft: Int { left + labelWidth + 1 }
    var gridWidth: Int { visibleColumns * cellWidth }
    /// Screen column of the right row labels.
    var rightLabel: Int { gridLeft + gridWidth + 1 }
    var gridTop: Int { Self.linesAbove }

    var hiddenAbove: Int { firstRow }
    var hiddenBelow: Int { rowCount - firstRow - visibleRows }
    var hiddenLeft: Int { firstColumn }
    var hiddenRight: Int { columnCount - firstColumn - visibleColumns }

    var visibleRowRange: Range<Int> { firstRow..<(firstRow + visibleRows) }
    var visibleColumnRange: Range<Int> { firstColumn..<(firstColumn + visibleColumns) }

    func y(ofRow row: Int) -> Int { gridTop + row - firstRow }
    func x(ofColumn column: Int) -> Int { gridLeft + (column - firstColumn) * cellWidth }

    /// The line just below the grid.
    var belowGrid: Int { gridTop + visibleRows }

    /// The grid cell (row index, column) at a screen position, if it is on the grid.
    func cell(atX x: Int, y: Int) -> (row: Int, column: Int)? {
        guard !isTooSmall, x >= gridLeft, x < gridLeft + gridWidth, y >= gridTop, y < belowGrid else { return nil }
        return (firstRow + y - gridTop, firstColumn + (x - gridLeft) / cellWidth)
    }
}
