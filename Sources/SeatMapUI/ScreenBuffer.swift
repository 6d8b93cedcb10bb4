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

/// One character cell. It holds a single Unicode scalar: everything the seat map draws
/// is one column wide, and a plain value keeps rendering and diffing cheap.
public struct Cell: Sendable, Hashable {
    public var glyph: Unicode.Scalar
    public var style: CellStyle

    public init(_ glyph: Unicode.Scalar = " ", style: CellStyle = .plain) {
        self.glyph = glyph
        self.style = style
    }

    public static let blank = Cell()
}

/// A screen's worth of cells, filled by `render` and painted by the terminal edge.
/// Every scalar takes one cell; writes beyond the edges are clipped.
public struct ScreenBuffer: Sendable, Hashable {
    public let size: ScreenSize
    public private(set) var cells: [Cell]

    public init(size: ScreenSize) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set {
            guard contains(x: x, y: y) else { return }
            cells[y * size.width + x] = newValue
        }
    }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size.width && y < size.height
    }

    /// Writes text from (x, y) to the right; returns the column after its end.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle = .plain) -> Int {
        var column = x
        for scalar in text.unicodeScalars {
            if y >= 0, y < size.height, column >= 0, column < size.width {
                cells[y * size.width + column] = Cell(scalar, style: style)
            }
            column += 1
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
        var row = cells[(y * size.width)..<((y + 1) * size.width)].map(\.glyph)
        while row.last == " " { row.removeLast() }
        var text = ""
        text.unicodeScalars.append(contentsOf: row)
        return text
    }

    public var lines: [String] { (0..<size.height).map(line) }
}
