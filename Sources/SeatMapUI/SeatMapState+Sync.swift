import CinebookModel
import CinebookSupport
import Foundation

/// Keeping the map in step with Redis: polling, the change feed, retries with backoff,
/// extending the hold, and noticing when it expires.
extension SeatMapState {
    /// Asks for a status reload, or for one more after the reload under way. A
    /// `conditional` one (the periodic poll) first asks whether the map changed at all.
    mutating func requestRefresh(conditional: Bool = false) -> [SeatMapEffect] {
        if refresh.inFlight {
            refresh.again = true
            return []
        }
        refresh.inFlight = true
        refresh.lastRequest = now
        if conditional, let revision = refresh.revision { return [.poll(since: revision)] }
        return [.refresh]
    }

    /// A reload answered: the map is current, and shows the status's seats.
    mutating func statusArrived(_ status: ShowtimeStatus) -> [SeatMapEffect] {
        let effects = statusConfirmed(serverTime: status.serverTime)
        refresh.revision = status.revision
        var vanished: [SeatCode] = []
        for entry in status.seats where pending[entry.seat.code] == nil {
            let code = entry.seat.code
            if entry.state == .selected {
                holds.ends[code] = entry.expiresAt ?? holds.ends[code] ?? status.serverTime
            } else if holds.ends[code] != nil {
                vanished.append(code)
            }
            seats[code] = entry.state
        }
        holdsVanished(vanished, at: status.serverTime)
        let partyLook = lookAtParty()
        guard !refresh.bookingsAsked else { return effects + partyLook }
        refresh.bookingsAsked = true
        return effects + partyLook + [.loadBookings]
    }

    /// A reload answered (or the conditional poll found the map current): Redis is
    /// reachable, and a reload asked for meanwhile goes out now.
    mutating func statusConfirmed(serverTime: Date) -> [SeatMapEffect] {
        refresh.inFlight = false
        refresh.lastArrival = now
        reachable(serverTime: serverTime)
        if refresh.again {
            refresh.again = false
            return requestRefresh()
        }
        return []
    }

    mutating func refreshFailed(_ error: SeatLockingError) -> [SeatMapEffect] {
        refresh.inFlight = false
        refresh.again = false
        if error.isOutage {
            unreachable()
        } else {
            message = Message(text: error.message, kind: .error)
        }
        return []
    }

    /// A change announced by Redis: shown at once, then confirmed by a reload.
    mutating func feedChanged(_ event: SeatFeedEvent) -> [SeatMapEffect] {
        switch event {
        case .connected:
            link.feedConnected = true
            return requestRefresh()
        case .disconnected:
            // A lost feed may mean the source is gone: ask now, so that an outage shows
            // at once rather than at the next poll.
            link.feedConnected = false
            return requestRefresh()
        case let .change(change) where change.kind == .room:
            return []
        case let .change(change) where change.kind == .party:
            return lookAtParty()
        case let .change(change):
            // My hold ended by another hand: another map or command of mine, or the sweep.
            // (A booking of this map's own, announced before its answer, is left to the answer.)
            let ended = change.seats.filter { holds.ends[$0] != nil && pending[$0] == nil }
                .filter { _ in !(bookingInFlight && change.kind == .booked) }
            if !ended.isEmpty, let reason = HoldEnd(change.kind) {
                for code in ended { holdOver(code, shown: reason == .bookedElsewhere ? .occupied : .available) }
                // A party's booking is every member's.
                if reason == .bookedElsewhere, party != nil { booked.formUnion(ended) }
                holdsEnded(ended, because: reason)
            }
            for code in change.seats where holds.ends[code] == nil && pending[code] == nil && seats[code] != nil {
                switch change.kind {
                case .locked, .extended:
                    if seats[code] != .occupied { seats[code] = .locked }
                case .released, .expired:
                    if seats[code] == .locked { seats[code] = .available }
                case .booked:
                    seats[code] = .occupied
                case .choosing:
                    // The feed does not say who: this map's own marks are not someone else's.
                    if seats[code] == .available, !presence.seats.contains(code) { seats[code] = .choosing }
                case .room, .party:
                    break
                }
            }
            return requestRefresh()
        }
    }

    /// A tick: expired holds are released, and the status is reloaded when the poll
    /// interval has passed or the retry after a failure is due.
    mutating func timePassed() -> [SeatMapEffect] {
        let expired = holds.ends.filter { $0.value <= serverNow }.map(\.key)
        var effects: [SeatMapEffect] = []
        if !expired.isEmpty {
            for code in expired { holdOver(code, shown: .available) }
            holdsEnded(expired, because: .expired)
            effects += requestRefresh()
        }
        let pollDue = refresh.lastRequest.map { now.timeIntervalSince($0) >= settings.pollInterval.seconds } ?? true
        let retryDue = link.retryAt.map { now >= $0 }
        if !refresh.inFlight, retryDue ?? (pollDue || othersHoldRanOut) {
            effects += requestRefresh(conditional: retryDue == nil && !othersHoldRanOut)
        }
        return effects
    }

    /// When the earliest hold on the map (someone else's, maybe) ends, on the local clock.
    /// Nobody announces an expiry until a sweep runs, so the map reloads itself then.
    var nextExpiryShown: Date? {
        guard let next = refresh.revision?.nextExpiry, next > 0 else { return nil }
        return onLocalClock(Date(milliseconds: next))
    }

    /// A hold on the map has run out since the map was last asked for.
    private var othersHoldRanOut: Bool {
        guard let expiry = nextExpiryShown, now >= expiry else { return false }
        return refresh.lastRequest.map { $0 < expiry } ?? true
    }

    /// When a tick next matters: every second while a countdown is on screen (a hold,
    /// a retry, leaving), else at the next poll. An idle map wakes only for that.
    public func nextTick(after now: Date) -> Date {
        let nextSecond = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) + 1)
        if case .leaving = mode { return nextSecond }
        if mode == .waiting { return min(nextSecond, room.nextLook.map { max($0, now.addingTimeInterval(0.05)) } ?? nextSecond) }
        if !presence.seats.isEmpty || presence.seats != presenceWanted { return nextSecond }
        guard holds.ends.isEmpty, link.reachable != false, let lastRequest = refresh.lastRequest else { return nextSecond }
        let poll = lastRequest.addingTimeInterval(settings.pollInterval.seconds)
        let expiry = nextExpiryShown.flatMap { $0 > lastRequest ? $0 : nil }
        return max(nextSecond, min(poll, expiry ?? poll))
    }

    /// Why a hold ended without this map's releasing it, as far as the map can know.
    enum HoldEnd {
        /// Its time ran out.
        case expired
        /// Released, or booked, by another map or command of the same user.
        case releasedElsewhere, bookedElsewhere
        /// It is gone before its time, with nothing announced: released elsewhere while
        /// the map was not listening, or lost by Redis.
        case unknown

        init?(_ kind: SeatEvent.Kind) {
            switch kind {
            case .released: self = .releasedElsewhere
            case .booked: self = .bookedElsewhere
            case .expired: self = .expired
            case .locked, .extended, .choosing, .room, .party: return nil
            }
        }
    }

    /// A hold is over, and the seat shows as `state`: no longer mine, nor this map's to
    /// release, nor changing any more.
    mutating func holdOver(_ code: SeatCode, shown state: SeatState) {
        holds.end(code)
        pending[code] = nil
        seats[code] = state
    }

    /// Once no hold is left, there is nothing to extend: the next hold starts afresh.
    mutating func stopExtendingIfNoneHeld() {
        if confirmedSeats.isEmpty { holds.stopExtending() }
    }

    /// Holds found gone with nothing announced to say why: those past their time expired;
    /// of the others, the map cannot know the cause.
    private mutating func holdsVanished(_ codes: [SeatCode], at now: Date) {
        guard !codes.isEmpty else { return }
        let ran = codes.filter { holds.ends[$0].map { $0 <= now } == true }
        let gone = codes.filter { !ran.contains($0) }
        for code in codes { holds.end(code) }
        if !ran.isEmpty { holdsEnded(ran, because: .expired) }
        if !gone.isEmpty { holdsEnded(gone, because: .unknown) }
    }

    /// Seats I held that are no longer mine, without this map's releasing them.
    private mutating func holdsEnded(_ codes: [SeatCode], because reason: HoldEnd) {
        let ordered = inLayoutOrder(codes)
        let list = ordered.sentence
        let one = ordered.count == 1
        let text = switch reason {
        case .expired: "Your hold on \(list) expired, so \(one ? "it was" : "they were") released."
        case .releasedElsewhere: "\(list) \(one ? "was" : "were") released by \(party == nil ? "another session of yours" : "your party")."
        case .bookedElsewhere: "\(list) \(one ? "was" : "were") booked by \(party == nil ? "another session of yours" : "your party")."
        case .unknown: "Your hold on \(list) ended before its time: released elsewhere, or lost by \(settings.source.rawValue)."
        }
        message = Message(text: text, kind: reason == .bookedElsewhere ? .info : .warning)
        stopExtendingIfNoneHeld()
        if case let .confirmingBooking(seats) = mode, seats.contains(where: codes.contains) {
            mode = .browsing
        }
    }

    /// Any key extends the hold: at most once per extend interval, sooner when the hold
    /// would otherwise end first, and not at all once it has reached the maximum hold.
    mutating func extendIfDue() -> [SeatMapEffect] {
        let mine = confirmedSeats
        guard !mine.isEmpty, !holds.extendInFlight, !holds.capped, link.reachable != false, mode != .finished else { return [] }
        let interval = settings.extendInterval.seconds
        let sinceLast = holds.lastExtend.map { now.timeIntervalSince($0) } ?? .infinity
        let left = holdEndsAt.map { $0.timeIntervalSince(now) } ?? 0
        guard sinceLast >= interval || left <= interval else { return [] }
        holds.extendInFlight = true
        holds.lastExtend = now
        return [.extend(mine)]
    }

    mutating func extendAnswered(_ result: Result<LockGrant, SeatLockingError>) -> [SeatMapEffect] {
        holds.extendInFlight = false
        switch result {
        case let .success(grant):
            reachable(serverTime: grant.serverTime)
            for held in grant.seats where holds.ends[held.code] != nil {
                holds.ends[held.code] = held.expiresAt
            }
            let full = grant.serverTime.addingTimeInterval(settings.policy.ttl.seconds - 1)
            if grant.expiresAt < full, !holds.capped {
                holds.capped = true
                let minutes = Int(settings.policy.maximumHold.seconds / 60)
                message = Message(
                    text: "Seats are held for at most \(minutes) minutes: book by "
                        + "\(CinemaTime.clock(onLocalClock(grant.expiresAt), in: showtime.timeZone, seconds: false)) "
                        + "or they are released.",
                    kind: .warning)
            }
            return []
        case let .failure(error):
            holds.lastExtend = nil
            switch error {
            case let .lockExpired(seats), let .notLockOwner(seats):
                holdsVanished(seats, at: serverNow)
                for code in seats { self.seats[code] = .available }
                return requestRefresh()
            case _ where error.isOutage:
                unreachable()
                return []
            default:
                return refused(error)
            }
        }
    }

    /// An answer said the source is unreachable: the map says `text` and retries later.
    mutating func outage(saying text: String) -> [SeatMapEffect] {
        unreachable()
        message = Message(text: text, kind: .error)
        return []
    }

    /// A request the source refused: says why, and reloads the map, which may have moved on.
    mutating func refused(_ error: SeatLockingError) -> [SeatMapEffect] {
        message = Message(text: error.message, kind: .error)
        return requestRefresh()
    }

    /// A change refused before it is asked for, while the source is unreachable: says so,
    /// and tries to reach it now.
    mutating func refusedWhileUnreachable(_ consequence: String) -> [SeatMapEffect] {
        message = Message(text: "\(settings.source.title) is unreachable, so \(consequence); retrying…", kind: .error)
        return requestRefresh()
    }

    // MARK: Connection

    /// Said once the source answers again after an outage.
    private var backAgain: Message {
        Message(text: "\(settings.source.title) is back; the map is up to date again.", kind: .success)
    }

    mutating func reachable(serverTime: Date) {
        link.clockOffset = serverTime.timeIntervalSince(now)
        if link.reachable == false {
            message = backAgain
        }
        link.reachable = true
        link.failures = 0
        link.retryAt = nil
    }

    /// Redis did not answer: retry after 0.5 s, 1 s, 2 s, … up to 10 s.
    mutating func unreachable() {
        // The banner says it is gone again: "is back" no longer holds.
        if message == backAgain { message = nil }
        link.reachable = false
        link.failures += 1
        let backoff = min(0.5 * pow(2, Double(link.failures - 1)), 10)
        link.retryAt = now.addingTimeInterval(backoff)
    }
}

/// Presence: the seat under the cursor, while free, is shown to others as being chosen.
extension SeatMapState {
    /// A cursor moving faster than this is passing over seats, not resting on them.
    static let presenceRest: TimeInterval = 0.3
    /// A map left alone this long stops marking: its person has looked away.
    static let presenceAttention: TimeInterval = 30

    /// The seats to mark now: the one under the cursor, when it is free and the map is
    /// simply browsing.
    var presenceWanted: [SeatCode] {
        guard settings.sharesPresence, mode == .browsing, hasLoaded, link.reachable != false, pending[cursor.code] == nil,
              let input = presence.lastInput, now.timeIntervalSince(input) < Self.presenceAttention
        else { return [] }
        let shown = state(of: cursor.code)
        return shown == .available || shown == .choosing ? [cursor.code] : []
    }

    /// A mark when the cursor came to rest somewhere new (not while it races across the
    /// hall), its end at once when there is nothing to mark (the seat was picked, the map
    /// is leaving), and a renewal at half the mark's lifetime.
    mutating func markPresenceIfDue() -> [SeatMapEffect] {
        let wanted = presenceWanted
        let since = presence.sentAt.map { now.timeIntervalSince($0) } ?? .infinity
        let renew = !wanted.isEmpty && since >= settings.policy.presenceLifetime.seconds / 2
        guard wanted != presence.seats || renew else { return [] }
        guard since >= Self.presenceRest || wanted.isEmpty else { return [] }
        presence.seats = wanted
        presence.sentAt = now
        return [.markChoosing(wanted)]
    }
}
