import CinebookModel
import CinebookSupport
import Foundation

/// Draws the seat map into a screen buffer. Pure: the same state and size always give
/// the same cells.
///
/// ```
///  Orbit of Giants · Grand Hall · Wed 25 Nov 20:15                 showtime 3
///
///       ━━━━━━━━━━━━━━━━━━━━━━━━━━━━ SCREEN ━━━━━━━━━━━━━━━━━━━━━━━━━━━━
///        1  2  3  4  5     6  7  8  9 10 11 12 13 14 15 16 17    18 19 20
///    A   ×  ×  ○  ○  ○     ○  ○  ○  ○  ○  ○  ○  ○  ○  ○  ○  ○     ○  ○  ○   A
///    B   ○  ○  ○  ○  ○     ○  ○  ◐  ◐  ○ [●] ●  ○  ○  ○  ○  ○     ○  ○  ○   B
///  ○ available 430  ● yours 2  ◐ held by others 2  × sold 6
///  B11 · standard seat · yours until 20:47 — Space releases it
///  alice · B11 B12 · hold 14:59 · refreshed 20:32:05 · ● live · ? help
/// ```
public func render(_ state: SeatMapState, size: ScreenSize) -> ScreenBuffer {
    var renderer = SeatMapRenderer(state: state, size: size)
    renderer.draw()
    return renderer.screen
}

struct SeatMapRenderer {
    let state: SeatMapState
    let look: Appearance
    let geometry: SeatMapGeometry
    var screen: ScreenBuffer

    init(state: SeatMapState, size: ScreenSize) {
        self.state = state
        look = state.settings.appearance
        geometry = SeatMapGeometry(layout: state.showtime.layout, size: size, cursor: state.cursor)
        screen = ScreenBuffer(size: size)
    }

    private var width: Int { screen.size.width }
    private var height: Int { screen.size.height }
    /// Where the lines under the grid start: in line with the row labels, unless that
    /// leaves too little room for the legend and messages.
    private var margin: Int { max(1, min(geometry.left, width - 64)) }

    mutating func draw() {
        guard width > 0, height > 0 else { return }
        if geometry.isTooSmall {
            drawTooSmall()
            return
        }
        drawTitle()
        drawBanner()
        if state.mode == .waiting {
            drawWaitingRoom()
            drawStatusBar()
            return
        }
        drawHall()
        drawScrollHints()
        drawLegend()
        drawSeatDetails()
        drawMessages()
        drawStatusBar()
        if state.mode == .help { drawHelp() }
    }

    /// Writes text as this terminal can show it; what would run past the right edge is cut
    /// with an ellipsis, never mid-character.
    @discardableResult
    private mutating func put(_ text: String, x: Int, y: Int, _ style: CellStyle = .plain) -> Int {
        screen.write(DisplayWidth.fitted(look.text(text), to: max(0, width - x), ellipsis: look.ellipsis), x: x, y: y, style: style)
    }

    private mutating func centered(_ text: String, y: Int, from left: Int = 0, width span: Int? = nil, _ style: CellStyle = .plain) {
        let text = look.text(text)
        let span = span ?? width
        put(text, x: left + max(0, (span - DisplayWidth.of(text)) / 2), y: y, style)
    }

    // MARK: Header

    private mutating func drawTitle() {
        let showtime = state.showtime
        let title = " " + [showtime.title, showtime.auditorium, CinemaTime.day(showtime.startsAt, in: showtime.timeZone)]
            .joined(separator: look.dot)
        put(title, x: 0, y: 0, look.title)
        let tag = "showtime \(showtime.id) "
        if DisplayWidth.of(look.text(title)) + tag.count + 2 <= width { put(tag, x: width - tag.count, y: 0, look.quiet) }
    }

    private mutating func drawBanner() {
        if case let .unreachable(retryAt) = state.connection {
            let seconds = max(0, Int(retryAt.timeIntervalSince(state.now).rounded(.up)))
            let retry = seconds > 0 ? "retrying in \(seconds) s" : "retrying…"
            screen.fill(y: 1, style: look.banner)
            put(" \(state.settings.source.headline) unreachable — \(retry); the map may be out of date", x: 0, y: 1, look.banner)
        } else if state.link.reachable == nil {
            put(" Connecting to \(state.settings.source.rawValue)…", x: 0, y: 1, look.quiet)
        } else if case let showtime = state.showtime, !showtime.isOnSale(at: state.serverNow) {
            screen.fill(y: 1, style: look.banner)
            put(" Sales closed at \(CinemaTime.day(showtime.salesCloseAt, in: showtime.timeZone)) — no seat can be picked or booked", x: 0, y: 1, look.banner)
        }
    }

    // MARK: Grid

    /// The hall, each seat as this state sees it.
    private mutating func drawHall() {
        let hall = HallDrawing(layout: state.showtime.layout, geometry: geometry, look: look, cursor: state.cursor)
        let state = state
        hall.draw(into: &screen, seatLook: state.look(of:))
    }

    /// The popularity view's figures, once loaded.
    private var popularity: SeatPopularity? {
        if case let .popularity(popularity) = state.mode { return popularity }
        return nil
    }

    private mutating func drawScrollHints() {
        var hints: [String] = []
        let (up, down, back, forward) = look.unicode ? ("▲", "▼", "◀", "▶") : ("^", "v", "<", ">")
        if geometry.hiddenAbove > 0 { hints.append("\(up) \(geometry.hiddenAbove) more rows") }
        if geometry.hiddenBelow > 0 { hints.append("\(down) \(geometry.hiddenBelow) more rows") }
        if geometry.hiddenLeft > 0 { hints.append("\(back) \(geometry.hiddenLeft) more columns") }
        if geometry.hiddenRight > 0 { hints.append("\(forward) \(geometry.hiddenRight) more columns") }
        guard !hints.isEmpty else { return }
        centered(hints.joined(separator: look.dot), y: geometry.belowGrid, from: geometry.left,
                 width: geometry.rightLabel + geometry.labelWidth - geometry.left, look.quiet)
    }

    // MARK: Below the grid

    private mutating func drawLegend() {
        if let popularity {
            drawHeatLegend(popularity)
            return
        }
        guard state.hasLoaded else {
            screen[margin, geometry.belowGrid + 1] = Cell(look.unknownGlyph, style: look.quiet)
            put(" not known yet: the map is loading", x: margin + 1, y: geometry.belowGrid + 1, look.quiet)
            return
        }
        var counts: [SeatState: Int] = [:]
        for value in state.seats.values { counts[value, default: 0] += 1 }
        // A party's seats that others sit in have a mark of their own.
        counts[.selected, default: 0] -= state.partyMatesSeats.count
        let entries: [(SeatState, long: String, short: String)] = [
            (.available, "available", "free"), (.selected, "yours", "yours"),
            (.locked, "held by others", "held"), (.occupied, "sold", "sold"),
        ] + (counts[.choosing, default: 0] > 0 ? [(.choosing, "being chosen", "choosing")] : [])
        let y = geometry.belowGrid + 1
        for form in 0..<3 {
            let parts = entries.map { entry -> (SeatState, String) in
                let count = counts[entry.0, default: 0]
                switch form {
                case 0: return (entry.0, " \(entry.long) \(count)")
                case 1: return (entry.0, " \(entry.short) \(count)")
                default: return (entry.0, "\(count)")
                }
            }
            let gap = form == 2 ? 1 : 2
            let total = parts.reduce(0) { $0 + 1 + $1.1.count } + gap * (parts.count - 1)
            guard total <= width - margin || form == 2 else { continue }
            var x = margin
            for (seatState, text) in parts {
                screen[x, y] = Cell(look.glyph(seatState), style: look.style(seatState))
                x = screen.write(look.text(text), x: x + 1, y: y) + gap
            }
            drawMarks(x: x, y: y, long: form == 0)
            return
        }
    }

    /// What else the map marks: the user's own bookings, premium seats, wheelchair spaces.
    /// They go on the line above the legend when no scroll hint needs it, else after the
    /// legend, each where there is room.
    private mutating func drawMarks(x legendEnd: Int, y legendLine: Int, long: Bool) {
        let categories = state.showtime.layout.categories
        var marks: [(Unicode.Scalar, CellStyle, String)] = []
        if state.party != nil {
            let mates = state.partyMatesSeats.count
            marks.append((look.partyGlyph, look.partyStyle, long ? " your party \(mates)" : " party \(mates)"))
        }
        let booked = state.booked.count
        if booked > 0 { marks.append((look.bookedGlyph, look.bookedStyle, long ? " booked by \(state.party == nil ? "you" : "your party") \(booked)" : " booked \(booked)")) }
        if categories.contains(.premium) { marks.append((look.availableGlyph(.premium), look.style(.available), " premium")) }
        if categories.contains(.wheelchair) { marks.append((look.availableGlyph(.wheelchair), look.style(.available), " wheelchair")) }
        let hinted = geometry.hiddenAbove + geometry.hiddenBelow + geometry.hiddenLeft + geometry.hiddenRight > 0
        var (x, y) = hinted ? (legendEnd, legendLine) : (margin, geometry.belowGrid)
        for (glyph, style, text) in marks where x + 1 + DisplayWidth.of(look.text(text)) <= width {
            screen[x, y] = Cell(glyph, style: style)
            x = screen.write(look.text(text), x: x + 1, y: y) + 2
        }
    }

    /// `times picked  · never  ░ 1  ▒ 2  ▓ 3  █ 4–5`; the label goes first when narrow.
    private mutating func drawHeatLegend(_ popularity: SeatPopularity) {
        let entries = (0...SeatPopularity.levels).compactMap { level -> (Int, String)? in
            guard let range = popularity.range(of: level) else { return nil }
            let text = level == 0 ? "never" : range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
            return (level, look.text(text))
        }
        let y = geometry.belowGrid + 1
        let length = entries.reduce(0) { $0 + 2 + $1.1.count } + 2 * (entries.count - 1)
        var x = margin
        if length + 14 <= width - margin { x = screen.write("times picked", x: x, y: y, style: look.emphasis) + 2 }
        for (level, text) in entries {
            screen[x, y] = Cell(look.heatGlyph(level), style: look.heatStyle(level))
            x = screen.write(text, x: x + 2, y: y) + 2
        }
    }

    private mutating func drawSeatDetails() {
        let seat = state.cursor
        let kind = switch seat.category {
        case .standard: "standard seat"
        case .premium: "premium seat"
        case .wheelchair: "wheelchair space"
        }
        let what: String
        switch (state.pending[seat.code], state.state(of: seat.code)) {
        case (.locking?, _): what = "locking…"
        case (.unlocking?, _): what = "releasing…"
        case (nil, .available) where !state.hasLoaded: what = "not known yet: the map is loading"
        case (nil, .available) where !state.showtime.isOnSale(at: state.serverNow): what = "free, but sales have closed"
        case (nil, .available): what = "available — Space selects it"
        case (nil, .locked): what = "held by someone else"
        case (nil, .choosing): what = "someone is choosing it right now — Space still selects it"
        case (nil, .occupied) where state.booked.contains(seat.code): what = "booked by you"
        case (nil, .occupied): what = "sold"
        case (nil, .house): what = "kept back by the house"
        case (nil, .selected) where state.isPartyMates(seat.code):
            what = "\(state.sitter(of: seat.code) ?? "") sits here — Space: sit here, s: swap"
        case (nil, .selected):
            let keys = state.party == nil ? "Space releases it" : "Space: release, s: swap"
            if let until = state.holds.ends[seat.code] {
                let local = state.onLocalClock(until)
                what = "yours until \(CinemaTime.clock(local, in: state.showtime.timeZone, seconds: false)) — \(keys)"
            } else {
                what = "yours — \(keys)"
            }
        }
        let y = geometry.belowGrid + 2
        let x = screen.write(look.text(seat.code.text), x: margin, y: y, style: look.emphasis)
        if let popularity {
            let picks = popularity.picks[seat.code] ?? 0
            let booked = popularity.bookings[seat.code] ?? 0
            let figures = (picks == 0 ? "never picked" : "picked \(picks == 1 ? "once" : "\(picks) times")") + (booked > 0 ? ", booked \(booked == 1 ? "once" : "\(booked) times")" : "")
            put(look.dot + figures + look.dot + kind, x: x, y: y)
            return
        }
        put(look.dot + kind + look.dot + what, x: x, y: y, seat.category == .standard ? .plain : look.emphasis)
    }

    private mutating func drawMessages() {
        let first = geometry.belowGrid + 3
        let room = width - margin - 1
        if case let .confirmingBooking(seats) = state.mode {
            let seating = state.party.flatMap { Party.seating(of: seats, sitters: $0.latest.seats) }.map { " (\($0))" } ?? ""
            let lines = wrap("Book \(seats.sentence) for \(state.holderName)\(seating)? Press y to book, any other key to cancel.", width: room)
            for (offset, line) in lines.prefix(2).enumerated() { put(line, x: margin, y: first + offset, look.warning) }
            return
        }
        if case let .popularity(popularity) = state.mode {
            let text = popularity == nil ? "Loading seat popularity…"
                : "Seat popularity: how often each seat was held, from the showtime's history and the holds now. p or Esc: back to the map."
            for (offset, line) in wrap(text, width: room).prefix(2).enumerated() { put(line, x: margin, y: first + offset, look.emphasis) }
            return
        }
        if case let .swapping(seat) = state.mode {
            let lines = wrap("Swap \(seat) with which seat? Move to another of your party's seats and press s; any other key cancels.", width: room)
            for (offset, line) in lines.prefix(2).enumerated() { put(line, x: margin, y: first + offset, look.emphasis) }
            return
        }
        if state.mode == .choosingPartySize {
            let limit = min(9, state.settings.policy.maximumSeatsPerUser)
            let lines = wrap("Best available: how many seats together? Press 1–\(limit), any other key to cancel.", width: room)
            for (offset, line) in lines.prefix(2).enumerated() { put(line, x: margin, y: first + offset, look.emphasis) }
            return
        }
        var lines: [(String, CellStyle)] = []
        if let message = state.message {
            let style: CellStyle = switch message.kind {
            case .info: .plain
            case .success: CellStyle(foreground: look.color ? .green : nil, bold: true)
            case .warning: look.warning
            case .error: look.error
            }
            lines = wrap(message.text, width: room).map { ($0, style) }
        }
        if !state.suggestions.isEmpty {
            let offers = state.suggestions.prefix(9).enumerated().map { index, block in
                "\(index + 1)) " + block.block
            }
            let keys = offers.count == 1 ? "press a or 1" : "press a or 1–\(offers.count)"
            let suggestion = "Free nearby: " + offers.joined(separator: "  ") + " — \(keys)"
            lines = Array(lines.prefix(1)) + [(suggestion, look.emphasis)]
        }
        for (offset, line) in lines.prefix(2).enumerated() { put(line.0, x: margin, y: first + offset, line.1) }
    }

    private mutating func drawStatusBar() {
        let y = height - 1
        screen.fill(y: y, style: look.statusBar)
        let selected = state.selectedSeats
        // A long or wide name gives way to the countdown and the connection.
        let name = DisplayWidth.fitted(look.text(state.user), to: max(6, min(24, width / 4)), ellipsis: look.ellipsis)
        var parts: [String] = [name]
        if let party = state.party { parts.append("party \(party.code)") }
        parts.append(selected.isEmpty ? "no seats" : selected.count > 6
            ? selected.prefix(5).joined(separator: " ") + " +\(selected.count - 5)"
            : selected.joined(separator: " "))
        // The hold's length (a tier may set a longer one), and while seats are held, what is left.
        let length = "\(Int(state.settings.policy.ttl.seconds / 60)) min"
        let holding = !state.holds.ends.isEmpty
        if holding, let left = state.secondsLeft {
            parts.append("hold \(CinemaTime.countdown(Int64(left)))" + (state.holds.capped ? " (max)" : " of \(length)"))
        }
        let refreshed = state.refresh.lastArrival.map { "refreshed " + CinemaTime.clock($0, in: state.showtime.timeZone) }
        let connection = switch state.connection {
        case .connecting: "connecting"
        case .live: look.unicode ? "● live" : "live"
        case .polling: "polling every \(Int(state.settings.pollInterval.seconds)) s"
        case .unreachable: "offline"
        }
        // Shown in this order; when the bar is too narrow, the lowest priority goes first.
        var optional: [(order: Int, priority: Int, text: String)] = [(1, 3, connection), (2, 1, "? help")]
        if !holding { optional.append((-1, 2, "holds \(length)")) }
        if let refreshed { optional.append((0, 0, refreshed)) }
        var line: String
        repeat {
            line = " " + (parts + optional.sorted { $0.order < $1.order }.map(\.text)).joined(separator: look.dot)
            guard DisplayWidth.of(look.text(line)) >= width, let lowest = optional.min(by: { $0.priority < $1.priority }) else { break }
            optional.removeAll { $0.priority == lowest.priority }
        } while true
        put(line, x: 0, y: y, look.statusBar)
        var bold = look.statusBar
        bold.bold = true
        screen.restyle(x: 1, y: y, width: DisplayWidth.of(name)) { $0 = bold }
    }

    // MARK: The waiting room

    /// The screen of the waiting room: the place in line and what it means, kept current.
    private mutating func drawWaitingRoom() {
        let showtime = state.showtime
        var lines: [(text: String, style: CellStyle)] = [("Waiting room", look.emphasis), ("", .plain)]
        let standing = state.room.standing
        switch standing?.phase {
        case .preQueue?:
            if let opensAt = standing?.opensAt {
                let seconds = Int64(max(0, opensAt.timeIntervalSince(state.serverNow).rounded(.up)))
                lines.append(("Sales open at \(CinemaTime.day(opensAt, in: showtime.timeZone)) — in \(CinemaTime.countdown(seconds)).", .plain))
            }
            lines.append(("Everyone here before then gets a place drawn at random when sales open:", look.quiet))
            lines.append(("coming early or refreshing changes nothing.", look.quiet))
        case .waiting?:
            lines.append(("Your place in line: \(standing?.ticket ?? 0)", look.title))
            let ahead = standing?.ahead ?? 0
            let people = ahead == 0 ? "You are next." : ahead == 1 ? "1 person ahead of you" : "\(ahead) people ahead of you"
            let wait = standing?.estimatedWait.map { " · " + CinemaTime.roughly(Int64($0.seconds.rounded(.up))) } ?? ""
            lines.append((people + (ahead == 0 ? "" : wait), .plain))
        default:
            lines.append(("Joining the waiting room…", look.quiet))
        }
        if standing?.likelySoldOut == true {
            lines += [("", .plain), ("Sold out, or very likely: the people ahead of you would take every seat left.", look.warning),
                      ("You keep your place in case seats come back.", look.quiet)]
        }
        if let message = state.message { lines += [("", .plain), (message.text, look.quiet)] }
        lines += [("", .plain), ("q leaves the line · r asks again now", look.quiet)]
        let top = max(2, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < height - 1 {
            for (index, part) in wrap(look.text(line.text), width: max(1, width - 4)).enumerated() where index == 0 {
                centered(part, y: top + offset, line.style)
            }
        }
    }

    // MARK: Overlays

    /// The help box: the keys, then the rules of holds as `policy` sets them.
    static func helpLines(_ policy: LockPolicy) -> [String] {
        [
            "Keys",
            "",
            "←↑↓→  h j k l   move between seats",
            "Space  Enter    select or release the seat",
            "mouse click     select or release a seat",
            "a               best seats together (asks how many)",
            "a  1–3          take a suggested seat, when offered",
            "b               book your seats (y to confirm)",
            "t               choose with friends: start a party",
            "s               swap two of your party's seats",
            "p               seat popularity (a heat map)",
            "r               refresh now",
            "Esc             dismiss the message",
            "?               show or hide this help",
            "q  Ctrl-C       quit, releasing the seats picked here",
            "",
            "Selected seats are held for you for \(Int(policy.ttl.seconds / 60)) minutes;",
            "any key extends the hold (up to \(Int(policy.maximumHold.seconds / 60)) minutes).",
            "Press ? or Esc to close.",
        ]
    }

    private mutating func drawHelp() {
        var lines = Self.helpLines(state.settings.policy).map(look.text)
        // Too short a terminal: the blank lines go first, then the last keys, and a last
        // line says so; how to close the help always shows.
        let room = height - 2
        if lines.count > room { lines.removeAll { $0.isEmpty } }
        if lines.count > room {
            lines = Array(lines.prefix(max(0, room - 1))) + [look.text("… more if taller; ? closes")]
        }
        let inner = (lines.map(DisplayWidth.of).max() ?? 0) + 2
        let boxWidth = min(width, inner + 2)
        let boxHeight = min(height, lines.count + 2)
        let left = max(0, (width - boxWidth) / 2)
        let top = max(0, (height - boxHeight) / 2)
        let box = look.box
        let frame = CellStyle(bold: true)
        for y in top..<(top + boxHeight) {
            for x in (left - 1)...(left + boxWidth) { screen[x, y] = .blank }
        }
        let horizontal = String(repeating: box.horizontal, count: max(0, boxWidth - 2))
        put(box.corners[0] + horizontal + box.corners[1], x: left, y: top, frame)
        put(box.corners[2] + horizontal + box.corners[3], x: left, y: top + boxHeight - 1, frame)
        for (index, line) in lines.enumerated() where index + 1 < boxHeight - 1 {
            let y = top + 1 + index
            put(box.vertical, x: left, y: y, frame)
            put(DisplayWidth.fitted(line, to: max(0, boxWidth - 4), ellipsis: look.ellipsis), x: left + 2, y: y, index == 0 ? look.emphasis : .plain)
            put(box.vertical, x: left + boxWidth - 1, y: y, frame)
        }
    }

    private mutating func drawTooSmall() {
        let minimum = SeatMapGeometry.minimumSize
        let text = "The seat map needs a terminal of at least \(minimum.width) columns by \(minimum.height) lines; "
            + "this one is \(width) by \(height). Enlarge it, or press q to quit."
        let lines = wrap(look.text(text), width: max(1, width - 2))
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() { centered(line, y: top + offset, look.warning) }
    }

    /// Greedy word wrap.
    private func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(word) <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension SeatMapState {
    /// A seat's glyph and style: its heat in the popularity view, else its state, with the
    /// user's own bookings, premium seats and wheelchair spaces told apart.
    func look(of seat: Seat) -> HallDrawing.SeatLook {
        let look = settings.appearance
        let seatState = self.state(of: seat.code)
        if case let .popularity(popularity?) = mode {
            let level = popularity.level(of: seat.code)
            return (look.heatGlyph(level), look.heatStyle(level))
        }
        if !hasLoaded && seatState != .occupied { return (look.unknownGlyph, look.quiet) }
        if seatState == .occupied && booked.contains(seat.code) { return (look.bookedGlyph, look.bookedStyle) }
        if seatState == .selected && isPartyMates(seat.code) { return (look.partyGlyph, look.partyStyle) }
        return (seatState == .available ? look.availableGlyph(seat.category) : look.glyph(seatState), look.style(seatState))
    }
}
