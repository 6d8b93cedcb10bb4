import CinebookSupport
import Foundation
import SeatLocking

/// Keeping the map in step with Redis: polling, the change feed, retries with backoff,
/// extending the hold, and noticing when it expires.
extension SeatMapState {
    /// Asks for a status reload, or for one more after the reload under way. A
    /// `conditional` one (the periodic poll) first asks whether the map changed at all.
    mutating func requestRefresh(conditional: Bool = false) -> [SeatMapEffect] {
        if refreshInFlight {
            refreshAgain = true
            return []
        }
        refreshInFlight = true
        lastRefreshRequest = now
        if conditional, let loadedRevision { return [.poll(since: loadedRevision)] }
        return [.refresh]
    }

    /// A reload answered: the map is current, and shows the status's seats.
    mutating func statusArrived(_ status: ShowtimeStatus) -> [SeatMapEffect] {
        let effects = statusConfirmed(serverTime: status.serverTime)
        loadedRevision = status.revision
        var vanished: [String] = []
        for entry in status.seats where pending[entry.seat.code] == nil {
            let code = entry.seat.code
            if entry.state == .selected {
                holds[code] = entry.expiresAt ?? holds[code] ?? status.serverTime
            } else if holds[code] != nil {
                vanished.append(code)
            }
            seats[code] = entry.state
        }
        holdsVanished(vanished, at: status.serverTime)
        guard !bookingsAsked else { return effects }
        bookingsAsked = true
        return effects + [.loadBookings]
    }

    /// A reload answered (or the conditional poll found the map current): Redis is
    /// reachable, and a reload asked for meanwhile goes out now.
    mutating func statusConfirmed(serverTime: Date) -> [SeatMapEffect] {
        refreshInFlight = false
        lastRefresh = now
        reachable(serverTime: serverTime)
        if refreshAgain {
            refreshAgain = false
            return requestRefresh()
        }
        return []
    }

    mutating func refreshFailed(_ error: SeatLockingError) -> [SeatMapEffect] {
        refreshInFlight = false
        refreshAgain = false
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
            feedConnected = true
            return requestRefresh()
        case .disconnected:
            feedConnected = false
            return []
        case let .change(change):
            // My hold ended by another hand: another map or command of mine, or the sweep.
            // (A booking of this map's own, announced before its answer, is left to the answer.)
            let ended = change.seats.filter { holds[$0] != nil && pending[$0] == nil }
                .filter { _ in !(bookingInFlight && change.kind == .booked) }
            if !ended.isEmpty, let reason = HoldEnd(change.kind) {
                for code in ended {
                    endHold(code)
                    seats[code] = reason == .bookedElsewhere ? .occupied : .available
                }
                holdsEnded(ended, because: reason)
            }
            for code in change.seats where holds[code] == nil && pending[code] == nil && seats[code] != nil {
                switch change.kind {
                case .locked, .extended:
                    if seats[code] != .occupied { seats[code] = .locked }
                case .released, .expired:
                    if seats[code] == .locked { seats[code] = .available }
                case .booked:
                    seats[code] = .occupied
                }
            }
            return requestRefresh()
        }
    }

    /// A tick: expired holds are released, and the status is reloaded when the poll
    /// interval has passed or the retry after a failure is due.
    mutating func timePassed() -> [SeatMapEffect] {
        let expired = holds.filter { $0.value <= serverNow }.map(\.key)
        var effects: [SeatMapEffect] = []
        if !expired.isEmpty {
            for code in expired {
                endHold(code)
                pending[code] = nil
                seats[code] = .available
            }
            holdsEnded(expired, because: .expired)
            effects += requestRefresh()
        }
        let pollDue = lastRefreshRequest.map { now.timeIntervalSince($0) >= settings.pollInterval.seconds } ?? true
        let retryDue = retryAt.map { now >= $0 }
        if !refreshInFlight, retryDue ?? (pollDue || othersHoldRanOut) {
            effects += requestRefresh(conditional: retryDue == nil && !othersHoldRanOut)
        }
        return effects
    }

    /// When the earliest hold on the map (someone else's, maybe) ends, on the local clock.
    /// Nobody announces an expiry until a sweep runs, so the map reloads itself then.
    var nextExpiryShown: Date? {
        guard let next = loadedRevision?.nextExpiry, next > 0 else { return nil }
        return Date(milliseconds: next).addingTimeInterval(-clockOffset)
    }

    /// A hold on the map has run out since the map was last asked for.
    private var othersHoldRanOut: Bool {
        guard let expiry = nextExpiryShown, now >= expiry else { return false }
        return lastRefreshRequest.map { $0 < expiry } ?? true
    }

    /// When a tick next matters: every second while a countdown is on screen (a hold,
    /// a retry, leaving), else at the next poll. An idle map wakes only for that.
    public func nextTick(after now: Date) -> Date {
        let nextSecond = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) + 1)
        if case .leaving = mode { return nextSecond }
        guard holds.isEmpty, redisReachable != false, let lastRefreshRequest else { return nextSecond }
        let poll = lastRefreshRequest.addingTimeInterval(settings.pollInterval.seconds)
        let expiry = nextExpiryShown.flatMap { $0 > lastRefreshRequest ? $0 : nil }
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
            case .locked, .extended: return nil
            }
        }
    }

    /// A hold is over: the seat is no longer mine, nor this map's to release.
    mutating func endHold(_ code: String) {
        holds[code] = nil
        lockedHere.remove(code)
    }

    /// Holds found gone with nothing announced to say why: those past their time expired;
    /// of the others, the map cannot know the cause.
    private mutating func holdsVanished(_ codes: [String], at now: Date) {
        guard !codes.isEmpty else { return }
        let ran = codes.filter { holds[$0].map { $0 <= now } == true }
        let gone = codes.filter { !ran.contains($0) }
        for code in codes { endHold(code) }
        if !ran.isEmpty { holdsEnded(ran, because: .expired) }
        if !gone.isEmpty { holdsEnded(gone, because: .unknown) }
    }

    /// Seats I held that are no longer mine, without this map's releasing them.
    private mutating func holdsEnded(_ codes: [String], because reason: HoldEnd) {
        let ordered = inLayoutOrder(codes)
        let list = SeatCode.list(ordered)
        let one = ordered.count == 1
        let text = switch reason {
        case .expired: "Your hold on \(list) expired, so \(one ? "it was" : "they were") released."
        case .releasedElsewhere: "\(list) \(one ? "was" : "were") released by another session of yours."
        case .bookedElsewhere: "\(list) \(one ? "was" : "were") booked by another session of yours."
        case .unknown: "Your hold on \(list) ended before its time: released elsewhere, or lost by \(settings.source.rawValue)."
        }
        message = Message(text: text, kind: reason == .bookedElsewhere ? .info : .warning)
        if confirmedSeats.isEmpty {
            lastExtend = nil
            holdCapped = false
        }
        if case let .confirmingBooking(seats) = mode, seats.contains(where: codes.contains) {
            mode = .browsing
        }
    }

    /// Any key extends the hold: at most once per extend interval, sooner when the hold
    /// would otherwise end first, and not at all once it has reached the maximum hold.
    mutating func extendIfDue() -> [SeatMapEffect] {
        let mine = confirmedSeats
        guard !mine.isEmpty, !extendInFlight, !holdCapped, redisReachable != false, mode != .finished else { return [] }
        let interval = settings.extendInterval.seconds
        let sinceLast = lastExtend.map { now.timeIntervalSince($0) } ?? .infinity
        let left = holdEndsAt.map { $0.timeIntervalSince(now) } ?? 0
        guard sinceLast >= interval || left <= interval else { return [] }
        extendInFlight = true
        lastExtend = now
        return [.extend(mine)]
    }

    mutating func extendAnswered(_ result: Result<LockGrant, SeatLockingError>) -> [SeatMapEffect] {
        extendInFlight = false
        switch result {
        case let .success(grant):
            reachable(serverTime: grant.serverTime)
            for held in grant.seats where holds[held.code] != nil {
                holds[held.code] = held.expiresAt
            }
            let full = grant.serverTime.addingTimeInterval(settings.policy.ttl.seconds - 1)
            if grant.expiresAt < full, !holdCapped {
                holdCapped = true
                let minutes = Int(settings.policy.maximumHold.seconds / 60)
                message = Message(
                    text: "Seats are held for at most \(minutes) minutes: book by "
                        + "\(CinemaTime.clock(grant.expiresAt.addingTimeInterval(-clockOffset), in: showtime.timeZone, seconds: false)) "
                        + "or they are released.",
                    kind: .warning)
            }
            return []
        case let .failure(error):
            lastExtend = nil
            switch error {
            case let .lockExpired(seats), let .notLockOwner(seats):
                holdsVanished(seats, at: serverNow)
                for code in seats { self.seats[code] = .available }
                return requestRefresh()
            case _ where error.isOutage:
                unreachable()
                return []
            default:
                message = Message(text: error.message, kind: .error)
                return requestRefresh()
            }
        }
    }

    // MARK: Connection

    /// Said once the source answers again after an outage.
    private var backAgain: Message {
        Message(text: "\(settings.source.title) is back; the map is up to date again.", kind: .success)
    }

    mutating func reachable(serverTime: Date) {
        clockOffset = serverTime.timeIntervalSince(now)
        if redisReachable == false {
            message = backAgain
        }
        redisReachable = true
        failures = 0
        retryAt = nil
    }

    /// Redis did not answer: retry after 0.5 s, 1 s, 2 s, … up to 10 s.
    mutating func unreachable() {
        // The banner says it is gone again: "is back" no longer holds.
        if message == backAgain { message = nil }
        redisReachable = false
        failures += 1
        let backoff = min(0.5 * pow(2, Double(failures - 1)), 10)
        retryAt = now.addingTimeInterval(backoff)
    }
}
