import CinebookModel
import SeatRecords

/// What concurrent clients saw happen to seats, in the server's time (ms since 1970),
/// folded into one `Hold` per seat and token: for the order of tokens and the comparison
/// with Redis. Whether two holds overlapped is the `GrantLedger`'s question.
struct GrantLog {
    /// One thing a client saw happen to one seat.
    enum Entry: Sendable {
        /// A lock or extend answer: the seat is held by `user` with `token` until `expiresAt`.
        case granted(seat: SeatCode, user: String, token: Int64, at: Int64, expiresAt: Int64)
        case released(seat: SeatCode, token: Int64, at: Int64)
        case booked(seat: SeatCode, token: Int64, at: Int64)
    }

    /// One hold of one seat, from its grant to its end.
    struct Hold {
        let seat: SeatCode
        let user: String
        let token: Int64
        var grantedAt: Int64
        var expiresAt: Int64
        var releasedAt: Int64?
        var bookedAt: Int64?

        /// When the seat was free again (or sold): expiry, release or booking, whichever came first.
        var endsAt: Int64 { [expiresAt, releasedAt, bookedAt].compactMap { $0 }.min()! }
    }

    private(set) var holds: [Hold] = []
    /// Entries that contradict each other, such as one token reported to two users.
    private(set) var contradictions: [String] = []

    /// `entries` lists each client's answers in the order they came.
    init(_ entries: [Entry]) {
        var byID: [String: Hold] = [:]
        func id(_ seat: SeatCode, _ token: Int64) -> String { "\(seat)#\(token)" }
        for case let .granted(seat, user, token, at, expiresAt) in entries {
            guard var hold = byID[id(seat, token)] else {
                byID[id(seat, token)] = Hold(seat: seat, user: user, token: token, grantedAt: at, expiresAt: expiresAt)
                continue
            }
            if hold.user != user { contradictions.append("\(seat) token \(token) granted to \(hold.user) and \(user)") }
            hold.grantedAt = min(hold.grantedAt, at)
            // A relock or extend sets a new expiry, which may be earlier than the last one
            // (a shorter TTL); one user's answers are logged in the order they came.
            hold.expiresAt = expiresAt
            byID[id(seat, token)] = hold
        }
        for entry in entries {
            switch entry {
            case .granted:
                break
            case let .released(seat, token, at):
                if byID[id(seat, token)] == nil { contradictions.append("\(seat) token \(token) released, never granted") }
                byID[id(seat, token)]?.releasedAt = at
            case let .booked(seat, token, at):
                if byID[id(seat, token)] == nil { contradictions.append("\(seat) token \(token) booked, never granted") }
                byID[id(seat, token)]?.bookedAt = at
            }
        }
        holds = Array(byID.values)
    }

    /// Grants whose tokens do not grow with time, or tokens shared by two grants.
    var tokenDisorder: [String] {
        var found: [String] = []
        let grants = Dictionary(grouping: holds, by: \.token).sorted { $0.key < $1.key }
        for (token, members) in grants where Set(members.map(\.user)).count > 1 || Set(members.map(\.grantedAt)).count > 1 {
            found.append("token \(token) was given by more than one grant: \(members.map { "\($0.seat)@\($0.grantedAt)" })")
        }
        for (earlier, later) in zip(grants, grants.dropFirst()) where later.value[0].grantedAt < earlier.value[0].grantedAt {
            found.append("token \(later.key) was granted at \(later.value[0].grantedAt), before token \(earlier.key)")
        }
        return found
    }
}
