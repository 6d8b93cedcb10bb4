import CinebookModel
import Foundation

extension SeatLockingJSON {
    /// Where a person stands in a showtime's waiting room; `standing` reads it back.
    public struct Standing: Codable, Sendable {
        private(set) var ok = true
        let showtimeID: Int
        let phase: String
        let ticket: Int?
        let ahead: Int?
        let estimatedWaitSeconds: Int?
        let likelySoldOut: Bool
        let opensAt: String?
        /// For `admitted`: the pass to send with the first lock (header `Cinebook-Pass`).
        let pass: String?
        let passExpiresAt: String?
        let askAgainMs: Int
        let serverTime: String

        public init(_ standing: RoomStanding) {
            showtimeID = standing.showtimeID
            phase = standing.phase.rawValue
            ticket = standing.ticket
            ahead = standing.ahead
            estimatedWaitSeconds = standing.estimatedWait.map { Int($0.seconds.rounded(.up)) }
            likelySoldOut = standing.likelySoldOut
            opensAt = standing.opensAt.map(SeatLockingJSON.timestamp)
            pass = standing.pass?.text
            passExpiresAt = standing.pass.map { SeatLockingJSON.timestamp($0.expiresAt) }
            askAgainMs = Int(standing.askAgainIn.milliseconds)
            serverTime = SeatLockingJSON.timestamp(standing.serverTime)
        }

        public var standing: RoomStanding? {
            guard let phase = RoomStanding.Phase(rawValue: phase), let now = SeatLockingJSON.date(fromTimestamp: serverTime) else { return nil }
            let pass = zip(pass, passExpiresAt.flatMap(SeatLockingJSON.date(fromTimestamp:))).map(RoomPass.init)
            return RoomStanding(
                showtimeID: showtimeID, phase: phase, ticket: ticket, ahead: ahead, estimatedWait: estimatedWaitSeconds.map { .seconds($0) },
                likelySoldOut: likelySoldOut, opensAt: opensAt.flatMap(SeatLockingJSON.date(fromTimestamp:)), pass: pass,
                askAgainIn: .milliseconds(askAgainMs), serverTime: now)
        }
    }

    /// A showtime's waiting room in numbers, for `stats`.
    public struct Room: Codable, Sendable {
        let active: Bool
        let opensAt: String?
        let waiting: Int
        let choosing: Int
        let admitted: Int
        let left: Int
        let admissionsLastMinute: Int
        let longestWaitSeconds: Double
        let meanWaitSeconds: Double

        public init(_ room: RoomSummary) {
            active = room.active
            opensAt = room.opensAt.map(SeatLockingJSON.timestamp)
            waiting = room.waiting
            choosing = room.choosing
            admitted = room.admitted
            left = room.left
            admissionsLastMinute = room.admissionsLastMinute
            longestWaitSeconds = room.longestWait.seconds
            meanWaitSeconds = room.meanWait.seconds
        }

        var summary: RoomSummary {
            RoomSummary(
                active: active, opensAt: opensAt.flatMap(SeatLockingJSON.date(fromTimestamp:)), waiting: waiting, choosing: choosing,
                admitted: admitted, left: left, admissionsLastMinute: admissionsLastMinute,
                longestWait: .milliseconds(Int64((longestWaitSeconds * 1000).rounded())),
                meanWait: .milliseconds(Int64((meanWaitSeconds * 1000).rounded())))
        }
    }
}

/// `zip` of two optionals: both, or nil.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
