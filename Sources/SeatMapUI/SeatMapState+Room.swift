import CinebookModel
import Foundation

/// The showtime's waiting room, as the seat map lives it: the map joins when it opens
/// (with no room on, that is all), and while the user waits it shows a screen of its own
/// (place in line, people ahead, the wait, and the truth when the seats are as good as
/// gone) that it keeps current at the pace the room asks, and at once when the room's news
/// on the event feed concerns the user. Admitted, the map opens and its
/// first lock hands in the pass.
extension SeatMapState {
    /// What the map knows of the room.
    struct Room: Sendable, Hashable {
        /// The last answer; nil until the first.
        var standing: RoomStanding?
        /// The pass to hand in with the next lock, once admitted.
        var pass: String?
        var inFlight = false
        /// When to ask again (local time).
        var nextLook: Date?
        var joined = false
    }

    /// Where the user stands, while waiting; nil when the map is open.
    public var waitingStanding: RoomStanding? {
        guard mode == .waiting else { return nil }
        return room.standing
    }

    /// Joins the room once, when the map first runs.
    mutating func joinRoomIfDue() -> [SeatMapEffect] {
        guard !room.joined, !room.inFlight else { return [] }
        room.joined = true
        room.inFlight = true
        return [.joinRoom]
    }

    /// Asks again when the room said to.
    mutating func lookAtRoomIfDue() -> [SeatMapEffect] {
        guard mode == .waiting, !room.inFlight, room.nextLook.map({ now >= $0 }) ?? true else { return [] }
        room.inFlight = true
        return [.lookAtRoom]
    }

    mutating func roomAnswered(_ result: Result<RoomStanding, SeatLockingError>) -> [SeatMapEffect] {
        room.inFlight = false
        switch result {
        case let .success(standing):
            room.standing = standing
            room.nextLook = now.addingTimeInterval(standing.askAgainIn.seconds)
            reachable(serverTime: standing.serverTime)
            switch standing.phase {
            case .preQueue, .waiting:
                if mode != .waiting { mode = .waiting }
            case .outside:
                // The pass ran out unused, or the user was never in: back in line.
                room.joined = false
                mode = .waiting
                return joinRoomIfDue()
            case .admitted:
                room.pass = standing.pass?.text
                if mode == .waiting {
                    mode = .browsing
                    let seconds = standing.pass.map { Int($0.expiresAt.timeIntervalSince(standing.serverTime).rounded()) } ?? 0
                    message = Message(text: "It's your turn: pick your seats within \(CinemaTime.countdown(Int64(seconds))).", kind: .success)
                    return requestRefresh()
                }
            case .open, .choosing:
                if mode == .waiting {
                    mode = .browsing
                    return requestRefresh()
                }
            }
            return []
        case let .failure(error):
            room.nextLook = now.addingTimeInterval(2)
            if error.isOutage { return outage(saying: error.message) }
            message = Message(text: error.message, kind: .error)
            return []
        }
    }

    /// A lock the room refused: the user goes (back) into the line.
    mutating func sentToRoom(_ refusal: RoomRefusal) -> [SeatMapEffect] {
        room.pass = nil
        message = Message(text: refusal.message, kind: .warning)
        room.joined = false
        mode = .waiting
        return joinRoomIfDue()
    }

    /// While waiting: `q` leaves the line and the program, `r` asks again now.
    mutating func whileWaiting(_ event: SeatMapEvent) -> [SeatMapEffect]? {
        switch event {
        case .key(.character("q")), .key(.interrupt), .terminate:
            return [.leaveRoom] + leave()
        case .key(.character("r")):
            room.nextLook = nil
            return lookAtRoomIfDue()
        case .key, .click:
            return []
        case .tick:
            return lookAtRoomIfDue()
        case let .feed(.change(change)) where change.kind == .room:
            // The room's news: when it concerns this user, ask at once for where they stand.
            guard let news = change.room, let standing = room.standing, news.changes(standing) else { return [] }
            room.nextLook = nil
            return lookAtRoomIfDue()
        default:
            return nil
        }
    }
}
