import CinebookModel
import Foundation

/// A key as the seat map understands it; the terminal edge translates escape sequences
/// and key codes into these.
public enum Key: Sendable, Hashable {
    case up, down, left, right
    case enter, escape
    case character(Character)
    /// Ctrl-C: quit, like `q`.
    case interrupt
}

/// Everything that can happen to the seat map: input, time passing, answers to its
/// effects, and changes announced by Redis.
public enum SeatMapEvent: Sendable {
    case key(Key)
    /// A mouse click at a screen position (column, line).
    case click(x: Int, y: Int)
    case resize(ScreenSize)
    /// Time has passed: countdowns, polling, retries and expiry are checked.
    case tick
    /// SIGINT, SIGTERM or SIGHUP: leave at once, releasing the held seats.
    case terminate
    case statusLoaded(ShowtimeStatus)
    /// The map loaded last is still current (a conditional poll), at this server time.
    case statusUnchanged(serverTime: Date)
    case statusFailed(SeatLockingError)
    case locked([SeatCode], Result<LockGrant, SeatLockingError>)
    case unlocked([SeatCode], Result<Release, SeatLockingError>)
    case extended(Result<LockGrant, SeatLockingError>)
    case booked(Result<Booking, SeatLockingError>)
    case feed(SeatFeedEvent)
    /// A mark of presence answered; nothing depends on it.
    case marked(Result<ChoosingMark, SeatLockingError>)
    /// The figures behind the popularity view.
    case statsLoaded(Result<ShowtimeStats, SeatLockingError>)
    /// The user's bookings of the showtime, to mark their seats as theirs.
    case bookingsLoaded(Result<[Booking], SeatLockingError>)
    /// Where the user stands in the showtime's waiting room.
    case roomAnswered(Result<RoomStanding, SeatLockingError>)
    /// The user's party as it is after what was asked of it.
    case partyAnswered(PartyAsk, Result<Party, SeatLockingError>)
    /// The seats held when leaving were released, or could not be.
    case left(released: [SeatCode], failure: SeatLockingError?)
}

/// Work for the effect runner; each answer comes back as an event.
public enum SeatMapEffect: Sendable, Hashable {
    /// Hold these seats; if they were just taken, the nearest equivalent block instead.
    /// `pass`: the waiting room's, for the first lock after admission.
    case lock([SeatCode], pass: String? = nil)
    /// Hold the best `count` seats together, chosen where the lock is taken; `guess` are
    /// the ones the map shows as best, marked as being locked meanwhile.
    case lockBest(count: Int, guess: [SeatCode], pass: String? = nil)
    case unlock([SeatCode])
    case extend([SeatCode])
    case book([SeatCode])
    /// Show others that this user is choosing these seats (none: no longer).
    case markChoosing([SeatCode])
    case refresh
    /// Reload the status only if it changed since the map of this revision was loaded.
    case poll(since: ShowtimeRevision)
    /// Load the showtime's figures for the popularity view.
    case loadStats
    /// Load the user's bookings of the showtime.
    case loadBookings
    /// Join the showtime's waiting room (with no room on, the answer says the map is open).
    case joinRoom
    /// Ask where the user stands in the waiting room.
    case lookAtRoom
    /// Leave the waiting room's line.
    case leaveRoom
    /// Start a party, look at the user's party again, or change who sits where in it.
    case party(PartyAsk)
    /// Release these seats (maybe none), then report `.left`; in a party, leave the party,
    /// which gives back the user's own seats.
    case leave(releasing: [SeatCode])
}

/// What the seat map asks of the user's party.
public enum PartyAsk: Sendable, Hashable {
    /// A new party, with the user as its first member.
    case start
    /// Who is in it and who sits where, now.
    case look
    /// The user sits in this party seat, in place of whoever sat there.
    case sit(SeatCode)
    /// The people in two party seats change places.
    case swap(SeatCode, SeatCode)
}
