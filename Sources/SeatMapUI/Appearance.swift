import CinebookModel
import Foundation

/// What the terminal can show: Unicode glyphs (a UTF-8 locale) and colours (a colour
/// terminal without `NO_COLOR`). Without either, the four seat states still differ by
/// glyph and attribute.
public struct Appearance: Sendable, Hashable {
    public var unicode: Bool
    public var color: Bool

    public init(unicode: Bool, color: Bool) {
        self.unicode = unicode
        self.color = color
    }

    public static let full = Appearance(unicode: true, color: true)

    /// Whether this process's locale (`LC_ALL`, `LC_CTYPE`, `LANG`) writes UTF-8.
    public static var localeIsUnicode: Bool {
        setlocale(LC_ALL, "")
        return String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }

    /// Plain text as this process's locale can show it (the command line's output).
    public static let forThisLocale = Appearance(unicode: localeIsUnicode, color: false)
    public static let plain = Appearance(unicode: false, color: false)

    public func glyph(_ state: SeatState) -> Unicode.Scalar {
        switch (state, unicode) {
        case (.available, true): "○"
        case (.selected, true): "●"
        case (.locked, true): "◐"
        case (.occupied, true): "×"
        case (.choosing, true): "◌"
        case (.house, true): "▣"
        case (.house, false): "H"
        case (.available, false): "."
        case (.choosing, false): "~"
        case (.selected, false): "@"
        case (.locked, false): "#"
        case (.occupied, false): "X"
        }
    }

    /// A seat this user bought: sold, and theirs.
    public var bookedGlyph: Unicode.Scalar { unicode ? "◆" : "B" }
    public var bookedStyle: CellStyle { CellStyle(foreground: color ? .cyan : nil, dim: !color) }

    /// A seat of the user's party that another member sits in: held for them all.
    public var partyGlyph: Unicode.Scalar { unicode ? "◉" : "&" }
    public var partyStyle: CellStyle { CellStyle(foreground: color ? .blue : nil, bold: true) }

    /// A free seat of a category other than standard, so that premium seats and wheelchair
    /// spaces show before the cursor reaches them.
    public func availableGlyph(_ category: SeatCategory) -> Unicode.Scalar {
        switch (category, unicode) {
        case (.standard, _): glyph(.available)
        case (.premium, true): "◎"
        case (.premium, false): "p"
        case (.wheelchair, true): "Ⓦ"
        case (.wheelchair, false): "w"
        }
    }

    /// A seat whose state is not known yet (the map has not loaded).
    public var unknownGlyph: Unicode.Scalar { "?" }

    /// Green free, cyan mine, yellow held by others, red sold, magenta being chosen;
    /// without colour: plain, bold, underlined, dim, and a glyph of its own.
    public func style(_ state: SeatState) -> CellStyle {
        switch state {
        case .available: CellStyle(foreground: color ? .green : nil)
        case .selected: CellStyle(foreground: color ? .cyan : nil, bold: true)
        case .locked: CellStyle(foreground: color ? .yellow : nil, underline: !color)
        case .occupied: CellStyle(foreground: color ? .red : nil, dim: !color)
        case .choosing: CellStyle(foreground: color ? .magenta : nil)
        case .house: CellStyle(foreground: color ? .blue : nil, reverse: !color)
        }
    }

    /// A heat level of the popularity view, 0 (never picked) to `SeatPopularity.levels`:
    /// denser glyphs for more picks, so the levels read without colour too.
    public func heatGlyph(_ level: Int) -> Unicode.Scalar {
        let glyphs: [Unicode.Scalar] = unicode ? ["·", "░", "▒", "▓", "█"] : [".", ":", "+", "*", "#"]
        return glyphs[max(0, min(glyphs.count - 1, level))]
    }

    /// Blue to red from few picks to many; never picked is dim.
    public func heatStyle(_ level: Int) -> CellStyle {
        let colors: [TerminalColor?] = [nil, .blue, .green, .yellow, .red]
        let level = max(0, min(colors.count - 1, level))
        return CellStyle(foreground: color ? colors[level] : nil, bold: level == colors.count - 1, dim: level == 0)
    }

    public var title: CellStyle { CellStyle(bold: true) }
    public var statusBar: CellStyle { CellStyle(reverse: true) }
    public var banner: CellStyle { CellStyle(foreground: color ? .red : nil, bold: true, reverse: true) }
    public var warning: CellStyle { CellStyle(foreground: color ? .yellow : nil, bold: true) }
    public var error: CellStyle { CellStyle(foreground: color ? .red : nil, bold: true) }
    public var quiet: CellStyle { CellStyle(dim: true) }
    public var emphasis: CellStyle { CellStyle(bold: true) }

    /// Ends text cut to fit.
    var ellipsis: String { unicode ? "…" : "..." }

    /// The screen marker's line, the separator in running text, and the box of the help.
    var screenLine: String { unicode ? "━" : "-" }
    var dot: String { unicode ? " · " : " | " }
    var box: (horizontal: String, vertical: String, corners: [String]) {
        unicode ? ("─", "│", ["┌", "┐", "└", "┘"]) : ("-", "|", ["+", "+", "+", "+"])
    }

    /// The ASCII form of each glyph the map draws (its ASCII appearance's glyph), and of
    /// the punctuation of its messages; in running text `·` is a separator, `|`.
    private static let asciiForms: [Character: String] = {
        var forms: [Character: String] = [:]
        func pair(_ glyph: (Appearance) -> Unicode.Scalar) {
            forms[Character(glyph(.full))] = String(glyph(.plain))
        }
        for state in SeatState.allCases { pair { $0.glyph(state) } }
        for category in SeatCategory.allCases { pair { $0.availableGlyph(category) } }
        for level in 0...SeatPopularity.levels { pair { $0.heatGlyph(level) } }
        pair(\.bookedGlyph)
        pair(\.partyGlyph)
        let punctuation: [Character: String] = [
            "·": "|", "—": "-", "–": "-", "…": "...", "←": "<", "→": ">", "↑": "^", "↓": "v",
            "‘": "'", "’": "'", "“": "\"", "”": "\"",
        ]
        return forms.merging(punctuation) { _, separator in separator }
    }()

    /// Text as this terminal can show it: without Unicode, accents are dropped, dashes
    /// and dots become ASCII, and anything else unprintable becomes `?`.
    public func text(_ text: String) -> String {
        guard !unicode, !text.allSatisfy(\.isASCII) else { return text }
        var result = ""
        for character in text {
            if character.isASCII {
                result.append(character)
            } else if let replacement = Self.asciiForms[character] {
                result += replacement
            } else {
                let folded = String(character).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
                result += folded.allSatisfy(\.isASCII) ? folded : "?"
            }
        }
        return result
    }
}
