import CinebookModel
import Foundation

extension SeatMapState {
    /// Applies one event at local time `now` and returns the work it calls for.
    /// No I/O happens here: the effects are carried out by the caller, whose answers
    /// come back as further events.
    public mutating func update(_ event: SeatMapEvent, now: Date) -> [SeatMapEffect] {
        self.now = now
        switch mode {
        case .finished: return []
        case let .leaving(since, releasing): return whileLeaving(event, since: since, releasing: releasing)
        case .waiting: if let effects = whileWaiting(event) { return effects }
        case .browsing, .help, .confirmingBooking, .choosingPartySize, .popularity, .swapping: break
        }
        switch event {
        case let .key(key):
            presence.lastInput = now
            return pressed(key) + extendIfDue() + markPresenceIfDue()
        case let .click(x, y):
            presence.lastInput = now
            return clicked(x: x, y: y) + extendIfDue() + markPresenceIfDue()
        case let .resize(size):
            self.size = size
            return []
        case .tick:
            return (settings.joinsWaitingRoom ? joinRoomIfDue() : []) + timePassed() + markPresenceIfDue()
        case let .roomAnswered(result):
            return roomAnswered(result)
        case let .partyAnswered(ask, result):
            return partyAnswered(ask, result)
        case .marked:
            return []
        case .terminate:
            return leave()
        case let .statusLoaded(status):
            return statusArrived(status)
        case let .statusUnchanged(serverTime):
            return statusConfirmed(serverTime: serverTime)
        case let .statusFailed(error):
            return refreshFailed(error)
        case let .locked(requested, result):
            return lockAnswered(requested, result)
        case let .unlocked(requested, result):
            return unlockAnswered(requested, result)
        case let .extended(result):
            return extendAnswered(result)
        case let .booked(result):
            return bookingAnswered(result)
        case let .feed(event):
            return feedChanged(event)
        case let .statsLoaded(result):
            statsArrived(result)
            return []
        case let .bookingsLoaded(result):
            switch result {
            case let .success(found): booked.formUnion(found.filter { $0.showtimeID == showtime.id }.flatMap(\.seats))
            case .failure: refresh.bookingsAsked = false
            }
            return []
        case .left:
            return []
        }
    }

    private mutating func pressed(_ key: Key) -> [SeatMapEffect] {
        if key == .interrupt { return leave() }
        switch mode {
        case .help:
            if [.escape, .enter, .character("?"), .character("q"), .character(" ")].contains(key) { mode = .browsing }
            return []
        case let .confirmingBooking(seats):
            mode = .browsing
            guard key == .character("y") || key == .character("Y") else {
                message = Message(text: "Booking cancelled; your seats are still held.", kind: .info)
                return []
            }
            return book(seats)
        case .choosingPartySize:
            mode = .browsing
            guard case let .character(digit) = key, let count = digit.wholeNumberValue, count > 0 else {
                message = nil
                return []
            }
            return lockBestAvailable(count: count)
        case .popularity:
            return whileShowingPopularity(key)
        case let .swapping(first):
            return moved(by: key) ? [] : whileSwapping(key, from: first)
        default:
            break
        }
        if moved(by: key) { return [] }
        switch key {
        case .enter, .character(" "): return toggle(cursor)
        case .character("b"): askToBook()
        case .character("r"): return requestRefresh()
        case .character("t"): return partyKey()
        case .character("s"): return swapKey()
        case .character("q"): return leave()
        case .character("?"): mode = .help
        case .character("p"):
            mode = .popularity(nil)
            return [.loadStats]
        case .character("a"):
            guard suggestions.isEmpty else { return acceptSuggestion(0) }
            mode = .choosingPartySize
        case let .character(digit) where digit.wholeNumberValue.map({ (1...9).contains($0) }) == true:
            return acceptSuggestion(digit.wholeNumberValue! - 1)
        case .escape:
            message = nil
            suggestions = []
        default:
            break
        }
        return []
    }

    private mutating func clicked(x: Int, y: Int) -> [SeatMapEffect] {
        let browsing = mode == .browsing
        if case .popularity = mode {} else if !browsing {
            if mode == .help { mode = .browsing }
            return []
        }
        let geometry = SeatMapGeometry(layout: showtime.layout, size: size, cursor: cursor)
        guard let cell = geometry.cell(atX: x, y: y),
              let seat = showtime.layout.rows[cell.row].cells[cell.column]
        else { return [] }
        cursor = seat
        preferredColumn = seat.column
        // The popularity view only points at a seat.
        return browsing ? toggle(seat) : []
    }

    // MARK: Popularity

    /// Moving shows each seat's figures; `p`, Esc, Enter or `q` go back to the map, `r` reloads.
    private mutating func whileShowingPopularity(_ key: Key) -> [SeatMapEffect] {
        if moved(by: key) { return [] }
        switch key {
        case .character("r"):
            mode = .popularity(nil)
            return [.loadStats]
        case .character("p"), .character("q"), .escape, .enter:
            mode = .browsing
        default:
            break
        }
        return []
    }

    private mutating func statsArrived(_ result: Result<ShowtimeStats, SeatLockingError>) {
        guard case .popularity = mode else { return }
        switch result {
        case let .success(stats):
            let held = seats.filter { $0.value == .selected || $0.value == .locked }.keys
            mode = .popularity(SeatPopularity(stats, held: held))
        case let .failure(error):
            mode = .browsing
            message = Message(text: "Seat popularity is unavailable: \(error.message)", kind: .error)
        }
    }

    // MARK: Moving

    /// Arrows and `h` `j` `k` `l` move the cursor; false for any other key.
    private mutating func moved(by key: Key) -> Bool {
        switch key {
        case .up, .character("k"): move(rows: -1)
        case .down, .character("j"): move(rows: 1)
        case .left, .character("h"): move(columns: -1)
        case .right, .character("l"): move(columns: 1)
        default: return false
        }
        return true
    }

    /// Moves to the next seat left or right in the row, skipping aisle gaps.
    mutating func move(columns step: Int) {
        let row = showtime.layout.rows[cursor.rowIndex]
        let candidates = row.seats.filter { step < 0 ? $0.column < cursor.column : $0.column > cursor.column }
        guard let next = step < 0 ? candidates.last : candidates.first else { return }
        cursor = next
        preferredColumn = next.column
    }

    /// Moves to the row in front or behind, to the seat nearest the column kept from
    /// the last sideways move.
    mutating func move(rows step: Int) {
        let rows = showtime.layout.rows
        let target = cursor.rowIndex + step
        guard rows.indices.contains(target) else { return }
        let column = preferredColumn
        cursor = rows[target].seats.min { a, b in
            (abs(a.column - column), a.column) < (abs(b.column - column), b.column)
        }!
    }
}
