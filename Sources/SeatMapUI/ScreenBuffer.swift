/// The size of the terminal, in character cells.
public struct ScreenSize: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// One of the eight colours every colour terminal has.
public enum TerminalColor: Int, Sendable, Hashable, CaseIterable {
    case black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn. Colours are left out on monochrome terminals and with `NO_COLOR`,
/// so every meaning also has to show through the glyph or the attributes.
public struct CellStyle: Sendable, Hashable {
    public var foreground: TerminalColor?
    public var background: TerminalColor?
    public var bold = false
    public var dim = false
    public var underline = false
    public var reverse = false

    public init(
        foreground: TerminalColor? = nil, background: TerminalColor? = nil,
        bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }

    public static let plain = CellStyle()
}

/// One character cell: one character as the terminal shows it (a letter with its accents,
/// an emoji), or the right half of a wide character drawn in the cell to its left.
public struct Cell: Sendable, Hashable {
    /// What the cell shows; empty for the right half of a wide character.
    public var text: String
    public var style: CellStyle

    public init(_ glyph: Unicode.Scalar = " ", style: CellStyle = .plain) {
        text = String(glyph)
        self.style = style
    }

    init(character: Character, style: CellStyle) {
        text = String(character)
        self.style = style
    }

    /// The right half of a wide character.
    static func continuation(style: CellStyle) -> Cell {
        var cell = Cell(" ", style: style)
        cell.text = ""
        return cell
    }

    var isContinuation: Bool { text.isEmpty }

    /// The first scalar of the character: the seat glyphs are one scalar each.
    public var glyph: Unicode.Scalar { text.unicodeScalars.first ?? " " }

    public static let blank = Cell()
}

/// A screen's worth of cells, filled by `render` and painted by the terminal edge. A
/// wide character takes two cells; writes beyond the edges are clipped, and a wide
/// character that does not fit at the right edge becomes a space.
public struct ScreenBuffer: Sendable, Hashable {
    public let size: ScreenSize
    public private(set) var cells: [Cell]

    public init(size: ScreenSize) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { place(newValue, x: x, y: y) }
    }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size.width && y < size.height
    }

    /// Puts one cell, and blanks the other half of any wide character it overwrites.
    private mutating func place(_ cell: Cell, x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        let index = y * size.width + x
        if cells[index].isContinuation, x > 0 { cells[index - 1] = Cell(" ", style: cells[index - 1].style) }
        if x + 1 < size.width, cells[index + 1].isContinuation, !cell.isContinuation {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// Writes text from (x, y) to the right; returns the column after its end.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle = .plain) -> Int {
        var column = x
        for character in text {
            switch DisplayWidth.of(character) {
            case 0:
                continue
            case 2:
                if column + 1 < size.width {
                    place(Cell(character: character, style: style), x: column, y: y)
                    place(.continuation(style: style), x: column + 1, y: y)
                } else {
                    place(Cell(" ", style: style), x: column, y: y)
                }
                column += 2
            default:
                place(Cell(character: character, style: style), x: column, y: y)
                column += 1
            }
        }
        return column
    }

    /// Sets the style of a stretch of cells, keeping their characters.
    public mutating func restyle(x: Int, y: Int, width: Int, _ change: (inout CellStyle) -> Void) {
        guard y >= 0, y < size.height else { return }
        for column in max(0, x)..<min(size.width, max(0, x + width)) {
            change(&cells[y * size.width + column].style)
        }
    }

    public mutating func fill(y: Int, style: CellStyle) {
        guard y >= 0, y < size.height else { return }
        for column in 0..<size.width { cells[y * size.width + column] = Cell(" ", style: style) }
    }

    /// The text of one line, trailing spaces dropped: what tests compare.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var text = cells[(y * size.width)..<((y + 1) * size.width)].map(\.text).joined()
        while text.last == " " { text.removeLast() }
        return text
    }

    public var lines: [String] { (0..<size.height).map(line) }
}
