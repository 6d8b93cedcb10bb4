import CinebookModel
import CinebookSupport
import Foundation

/// Selecting, releasing and booking seats, and leaving.
extension SeatMapState {
    /// The seats shown as mine: held, or being locked.
    public var selectedSeats: [SeatCode] {
        inLayoutOrder(seats.filter { $0.value == .selected }.map(\.key))
    }

    /// Seat codes sorted as the layout reads: row by row from the screen, left to right.
    func inLayoutOrder(_ codes: some Sequence<SeatCode>) -> [SeatCode] {
        codes.compactMap(showtime.layout.seat).sorted { ($0.rowIndex, $0.column) < ($1.rowIndex, $1.column) }.map(\.code)
    }

    /// Seats Redis confirmed as mine and that are not being released.
    var confirmedSeats: [SeatCode] {
        mySeats.filter { pending[$0] != .unlocking }
    }

    /// Space, Enter or a click: selecting locks the seat at once, deselecting unlocks it.
    mutating func toggle(_ seat: Seat) -> [SeatMapEffect] {
        let code = seat.code
        if let change = pending[code] {
            message = Message(text: "\(code) is still being \(change == .locking ? "locked" : "released")…", kind: .info)
            return []
        }
        let shown = state(of: code)
        guard hasLoaded || shown == .occupied else { return refusedBeforeLoading("no seat can be picked; \(code) may be taken") }
        if shown != .occupied && shown != .locked, link.reachable == false {
            return refusedWhileUnreachable("\(code) cannot change now")
        }
        switch shown {
        case .selected where isPartyMates(code):
            return sit(in: code)
        case .selected:
            pending[code] = .unlocking
            seats[code] = .available
            suggestions = []
            message = nil
            return [.unlock([code])]
        case .available, .choosing:
            guard !refusedAsClosed(), !refusedOverTheLimit(adding: 1) else { return [] }
            let effects = lock([seat])
            warnAboutOrphans()
            return effects
        case .locked:
            offerAlternatives(near: [seat], because: "\(code) is held by someone else right now.")
        case .occupied, .house:
            offerAlternatives(near: [seat], because: "\(code) is \(shown == .house ? "kept back by the house" : "sold").")
        }
        return []
    }

    /// A pick before the first status arrived, when no seat's state is known: says so, and
    /// asks for the status again.
    private mutating func refusedBeforeLoading(_ consequence: String) -> [SeatMapEffect] {
        message = Message(text: "The map has not loaded yet, so \(consequence).", kind: .info)
        return requestRefresh()
    }

    /// Adding `count` seats would pass the most one user may hold: says so, and answers true.
    private mutating func refusedOverTheLimit(adding count: Int) -> Bool {
        guard selectedSeats.count + count > settings.policy.maximumSeatsPerUser else { return false }
        message = Message(
            text: "You can hold at most \(settings.policy.maximumSeatsPerUser) seats at once; release one first.", kind: .warning)
        return true
    }

    /// Once sales have closed (by the server's clock) nothing more is locked or booked:
    /// says so, and answers true.
    private mutating func refusedAsClosed() -> Bool {
        do {
            try showtime.checkOnSale(at: serverNow)
            return false
        } catch {
            message = Message(text: error.message, kind: .warning)
            return true
        }
    }

    private mutating func lock(_ block: [Seat]) -> [SeatMapEffect] {
        showLocking(block)
        return [.lock(block.map(\.code), pass: room.pass)]
    }

    /// Shows seats as mine while their lock is on its way.
    private mutating func showLocking(_ block: [Seat]) {
        for seat in block {
            pending[seat.code] = .locking
            seats[seat.code] = .selected
        }
        suggestions = []
        message = nil
    }

    /// Best available on the map as shown: every seat not free taken, the seats others are
    /// choosing avoided while any offer can do without them.
    private var bestSeats: BestSeats {
        BestSeats(
            layout: showtime.layout, unavailable: Set(seats.filter { !$0.value.isFree }.map(\.key)),
            avoiding: Set(seats.filter { $0.value == .choosing }.map(\.key)))
    }

    /// Names the problem and suggests the free seats nearest to the ones wanted.
    mutating func offerAlternatives(near wanted: [Seat], because reason: String) {
        suggestions = bestSeats.offers(for: SeatWish(count: wanted.count, near: wanted)).map(\.codes)
        let tail = suggestions.isEmpty ? " No seats nearby are free." : ""
        message = Message(text: reason + tail, kind: .warning)
    }

    /// `a` takes the first suggestion, `1`–`3` the one with that number.
    mutating func acceptSuggestion(_ index: Int) -> [SeatMapEffect] {
        guard suggestions.indices.contains(index), !refusedAsClosed() else { return [] }
        let block = suggestions[index].compactMap(showtime.layout.seat)
        if let taken = block.first(where: { !state(of: $0.code).isFree }) {
            offerAlternatives(near: block, because: "\(taken.code) was taken meanwhile.")
            return []
        }
        guard !refusedOverTheLimit(adding: block.count) else { return [] }
        guard link.reachable != false else { return refusedWhileUnreachable("no seat can be locked now") }
        cursor = block[0]
        preferredColumn = cursor.column
        return lock(block)
    }

    /// Asks for the best `count` free seats together, chosen and held in one step where
    /// the lock is taken; the best on the map as shown are marked as being locked meanwhile.
    mutating func lockBestAvailable(count: Int) -> [SeatMapEffect] {
        guard hasLoaded else { return refusedBeforeLoading("no seats can be found together") }
        guard !refusedAsClosed() else { return [] }
        let room = settings.policy.maximumSeatsPerUser - selectedSeats.count
        guard count <= room else {
            message = Message(
                text: room == 0 ? "You already hold \(selectedSeats.count) seats, the most at once."
                    : "You can add at most \(room) more seat\(room == 1 ? "" : "s").",
                kind: .warning)
            return []
        }
        guard link.reachable != false else { return refusedWhileUnreachable("no seats can be locked now") }
        guard let best = bestSeats.offers(for: SeatWish(count: count), limit: 1).first else {
            message = Message(text: "No \(count) seats are free together any more; try fewer.", kind: .warning)
            return []
        }
        cursor = best.seats[0]
        preferredColumn = cursor.column
        showLocking(best.seats)
        message = Message(text: "Best available: \(best.codes.sentence)…", kind: .info)
        return [.lockBest(count: count, guess: best.codes, pass: self.room.pass)]
    }

    /// A warning when the seats I picked by hand leave a single free seat stranded
    /// beside them; it does not stop the pick.
    mutating func warnAboutOrphans() {
        let mine = Set(selectedSeats)
        let others = Set(seats.filter { !$0.value.isFree && !mine.contains($0.key) }.map(\.key))
        let orphans = orphanedSeats(by: mine.compactMap(showtime.layout.seat), in: showtime.layout, unavailable: others)
        guard !orphans.isEmpty else { return }
        let list = orphans.map(\.code).sentence
        message = Message(
            text: "This leaves \(list) on \(orphans.count == 1 ? "its" : "their") own, which is hard to sell; a seat next to it may be better.",
            kind: .warning)
    }

    mutating func askToBook() {
        if let locking = selectedSeats.first(where: { pending[$0] == .locking }) {
            message = Message(text: "Wait a moment: \(locking) is still being locked.", kind: .info)
            return
        }
        let mine = confirmedSeats
        guard !mine.isEmpty else {
            message = Message(text: "Select seats first: move with the arrow keys and press Space.", kind: .info)
            return
        }
        guard !bookingInFlight, !refusedAsClosed() else { return }
        mode = .confirmingBooking(mine)
        suggestions = []
    }

    mutating func book(_ seats: [SeatCode]) -> [SeatMapEffect] {
        bookingInFlight = true
        message = Message(text: "Booking \(seats.sentence)…", kind: .info)
        return [.book(seats)]
    }

    // MARK: Answers

    mutating func lockAnswered(_ requested: [SeatCode], _ result: Result<LockGrant, SeatLockingError>) -> [SeatMapEffect] {
        switch result {
        case let .success(grant):
            let wasHolding = !confirmedSeats.isEmpty
            let granted = Set(grant.seats.map(\.code))
            // Seats marked as being locked that went to someone else: another block is held instead.
            for code in requested where pending[code] == .locking && !granted.contains(code) {
                pending[code] = nil
                seats[code] = grant.replacing.contains(code) ? .locked : .available
            }
            for held in grant.seats {
                pending[held.code] = nil
                holds.ends[held.code] = held.expiresAt
                holds.lockedHere.insert(held.code)
                seats[held.code] = .selected
            }
            reachable(serverTime: grant.serverTime)
            room.pass = nil
            if !wasHolding { holds.startExtending(at: now) }
            let codes = grant.seats.map(\.code)
            let held = grant.replacementNote ?? "\(codes.sentence) \(codes.count == 1 ? "is" : "are") yours"
            message = Message(
                text: held.trimmingCharacters(in: ["."]) + " for \(CinemaTime.countdown(Int64(grant.ttl.seconds.rounded()))) — b books, Space releases.",
                kind: .success)
            if granted != Set(requested), let first = grant.seats.first.flatMap({ showtime.layout.seat($0.code) }) {
                cursor = first
                preferredColumn = first.column
            }
            return granted == Set(requested) ? [] : requestRefresh()
        case let .failure(error):
            for code in requested where pending[code] == .locking {
                pending[code] = nil
                seats[code] = .available
            }
            switch error {
            case let .seatsUnavailable(taken, alternatives):
                for code in taken where seats[code] != .occupied { seats[code] = .locked }
                suggestions = alternatives
                let tail = alternatives.isEmpty ? " No seats nearby are free." : ""
                message = Message(
                    text: "\(taken.sentence) \(taken.count == 1 ? "was" : "were") just taken by someone else." + tail,
                    kind: .warning)
                return requestRefresh()
            case .redisUnavailable, .serverUnreachable:
                return outage(saying: "\(settings.source.title) is unreachable: \(requested.sentence) could not be locked.")
            case _ where error.isOutage:
                return outage(saying: error.message)
            case .tooManySeats:
                message = Message(text: error.message, kind: .warning)
                return []
            case let .waitingRoom(refusal):
                return sentToRoom(refusal)
            default:
                return refused(error)
            }
        }
    }

    mutating func unlockAnswered(_ requested: [SeatCode], _ result: Result<Release, SeatLockingError>) -> [SeatMapEffect] {
        switch result {
        case let .success(release):
            for code in requested where pending[code] == .unlocking { holdOver(code, shown: .available) }
            reachable(serverTime: release.serverTime)
            stopExtendingIfNoneHeld()
            message = Message(text: "Released \(requested.sentence).", kind: .info)
            return []
        case let .failure(error):
            for code in requested where pending[code] == .unlocking {
                pending[code] = nil
                seats[code] = holds.ends[code] == nil ? .available : .selected
            }
            if error.isOutage {
                return outage(saying: "\(settings.source.title) is unreachable: \(requested.sentence) is still held for you.")
            }
            return refused(error)
        }
    }

    mutating func bookingAnswered(_ result: Result<Booking, SeatLockingError>) -> [SeatMapEffect] {
        bookingInFlight = false
        switch result {
        case let .success(booking):
            for code in booking.seats { holdOver(code, shown: .occupied) }
            bookings.append(booking)
            booked.formUnion(booking.seats)
            reachable(serverTime: booking.bookedAt)
            stopExtendingIfNoneHeld()
            let seating = Party.seating(of: booking.seats, sitters: booking.sitters).map { " (\($0))" } ?? ""
            message = Message(
                text: "Booked \(booking.seats.sentence)\(seating) — booking \(booking.id). Enjoy the film!", kind: .success)
        case let .failure(error):
            if error.isUnreachable {
                return outage(saying: "\(settings.source.title) is unreachable: nothing was booked, and your seats are still held.")
            }
            if error.isOutage { return outage(saying: error.message) }
            message = Message(text: error.message, kind: .error)
        }
        return requestRefresh()
    }

    // MARK: Leaving

    /// `q`, Ctrl-C or a signal: release what this map locked (or is locking), then finish.
    /// Seats the user holds from elsewhere stay held. In a party, the user leaves it, and
    /// gives back the seats they sit in; the party keeps the others.
    mutating func leave() -> [SeatMapEffect] {
        let mine = party == nil ? holds.ends.keys.filter(holds.lockedHere.contains) : holds.ends.keys.filter { sitter(of: $0) == user }
        let releasing = inLayoutOrder(Set(mine).union(pending.keys))
        mode = .leaving(since: now, releasing: releasing)
        suggestions = []
        message = releasing.isEmpty ? nil : Message(text: "Releasing \(releasing.sentence)…", kind: .info)
        return [.leave(releasing: releasing)]
    }

    mutating func whileLeaving(_ event: SeatMapEvent, since: Date, releasing: [SeatCode]) -> [SeatMapEffect] {
        switch event {
        case let .left(released, failure):
            finish(released: released, unreleased: failure == nil ? [] : releasing, failure: failure)
        case .tick where now.timeIntervalSince(since) >= settings.leaveTimeout.seconds:
            finish(released: [], unreleased: releasing, failure: .redisUnavailable("no answer while releasing the seats"))
        case let .resize(size):
            self.size = size
        case let .booked(.success(booking)):
            bookings.append(booking)
        default:
            break
        }
        return []
    }

    private mutating func finish(released: [SeatCode], unreleased: [SeatCode], failure: SeatLockingError?) {
        outcome = Outcome(bookings: bookings, released: released, unreleased: unreleased, failure: failure)
        mode = .finished
    }
}
