import CNCursesW
import Foundation

/// The ncurses edge, and the only code that touches ncurses: it paints screen buffers
/// (only the cells that changed) and turns key codes, mouse clicks and size changes into
/// events. It owns the ncurses screen and is used from one thread only.
final class CursesTerminal {
    let appearance: Appearance
    private(set) var size: ScreenSize
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var previous: ScreenBuffer?
    private var colorPairs: [ColorPairKey: Int16] = [:]

    private struct ColorPairKey: Hashable {
        let foreground: TerminalColor?
        let background: TerminalColor?
    }

    /// Starts full-screen mode on the standard input and output.
    init() throws(SeatMapError) {
        // A terminal that cannot move the cursor would show nothing, yet take keys.
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" {
            throw .terminal(
                "TERM=dumb cannot move the cursor, so it cannot draw the seat map; use a terminal such as xterm-256color, "
                    + "or `cinebook status --showtime ID` for the map as text")
        }
        setlocale(LC_ALL, "")
        guard let screen = cb_newterm_stdio() else {
            throw .terminal("cannot use the terminal '\(ProcessInfo.processInfo.environment["TERM"] ?? "")'; set TERM to a known type")
        }
        self.screen = screen
        set_term(screen)
        window = cb_stdscr()
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        curs_set(0)
        set_escdelay(25)
        mousemask(cb_button1_pressed() | cb_button1_clicked(), nil)
        mouseinterval(0)
        let environment = ProcessInfo.processInfo.environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        var color = false
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
            color = true
        }
        appearance = Appearance(unicode: Appearance.localeIsUnicode, color: color)
        size = ScreenSize(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    /// Leaves full-screen mode and gives the terminal back as it was.
    func close() {
        endwin()
        delscreen(screen)
    }

    /// Reads the new size after SIGWINCH and tells ncurses about it. (ncurses answers
    /// with a KEY_RESIZE in its input queue, which `read` reports without resizing again.)
    func updateSize() -> ScreenSize {
        var area = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &area) == 0, area.ws_row > 0, area.ws_col > 0 {
            resizeterm(Int32(area.ws_row), Int32(area.ws_col))
        }
        return currentSize()
    }

    private func currentSize() -> ScreenSize {
        size = ScreenSize(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
        previous = nil
        return size
    }

    /// Draws the cells that differ from the last painted buffer.
    func paint(_ buffer: ScreenBuffer) {
        let full = previous?.size != buffer.size
        if full { werase(window) }
        let width = min(buffer.size.width, size.width)
        let height = min(buffer.size.height, size.height)
        for y in 0..<height {
            for x in 0..<width {
                let cell = buffer[x, y]
                if !full, let previous, previous[x, y] == cell { continue }
                draw(cell, x: x, y: y)
            }
        }
        previous = buffer
        wnoutrefresh(window)
        doupdate()
    }

    private func draw(_ cell: Cell, x: Int, y: Int) {
        // The right half of a wide character is drawn with its left half.
        guard !cell.isContinuation else { return }
        // A cell of ncurses holds at most CCHARW_MAX (5) wide characters.
        var characters = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) } + [0]
        var attributes = cb_a_normal()
        if cell.style.bold { attributes |= cb_a_bold() }
        if cell.style.dim { attributes |= cb_a_dim() }
        if cell.style.underline { attributes |= cb_a_underline() }
        if cell.style.reverse { attributes |= cb_a_reverse() }
        var complex = cchar_t()
        setcchar(&complex, &characters, attributes, pair(for: cell.style), nil)
        wmove(window, Int32(y), Int32(x))
        wadd_wch(window, &complex)
    }

    private func pair(for style: CellStyle) -> Int16 {
        guard appearance.color, style.foreground != nil || style.background != nil else { return 0 }
        let key = ColorPairKey(foreground: style.foreground, background: style.background)
        if let pair = colorPairs[key] { return pair }
        let pair = Int16(colorPairs.count + 1)
        guard Int32(pair) < cb_color_pairs() else { return 0 }
        init_pair(pair, Int16(style.foreground?.rawValue ?? -1), Int16(style.background?.rawValue ?? -1))
        colorPairs[key] = pair
        return pair
    }

    /// Everything typed, clicked or resized that is waiting (up to a screenful of
    /// keys at a time); never blocks.
    func read() -> [SeatMapEvent] {
        var inputs: [SeatMapEvent] = []
        var code: wint_t = 0
        for _ in 0..<256 {
            let kind = wget_wch(window, &code)
            if kind == ERR { break }
            if kind == KEY_CODE_YES {
                if let input = functionKey(Int32(code)) { inputs.append(input) }
            } else if let input = character(code) {
                inputs.append(input)
            }
        }
        return inputs
    }

    private func functionKey(_ code: Int32) -> SeatMapEvent? {
        switch code {
        case KEY_UP: .key(.up)
        case KEY_DOWN: .key(.down)
        case KEY_LEFT: .key(.left)
        case KEY_RIGHT: .key(.right)
        case KEY_ENTER: .key(.enter)
        case cb_key_resize(): .resize(currentSize())
        case cb_key_mouse(): click()
        default: nil
        }
    }

    private func character(_ code: wint_t) -> SeatMapEvent? {
        switch code {
        case 3: return .key(.interrupt)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 12:
            previous = nil
            clearok(window, true)
            return nil
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)), !scalar.properties.generalCategory.isControl else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private func click() -> SeatMapEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK, event.bstate & (cb_button1_pressed() | cb_button1_clicked()) != 0 else { return nil }
        return .click(x: Int(event.x), y: Int(event.y))
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool { self == .control || self == .format }
}
