import CinebookModel
import Foundation

/// `seat_info`: each seat's state as an operator inspects it.
/// Reply: {now, {booking id or false, claim or false, user or false, locked_at, token, expiry ms}, ...}
struct SeatInfoInput: ScriptInput {
    let keys: SeatKeys
    let seats: [SeatCode]

    var values: ScriptValues {
        ScriptValues(
            keys: ["soldKey": .one(keys.sold), "claimsKey": .one(keys.claims), "lockKeys": .list(seats.map(keys.lock))],
            arguments: ["seats": .list(seats.map(\.text))])
    }
}

/// A seat being booked: the claims hash holds `<deadline ms>|<user>`.
struct BookingClaim: Sendable, Hashable {
    let deadline: Date
    let user: String

    init?(_ text: String) {
        guard let separator = text.firstIndex(of: "|"), let deadline = Int64(text[..<separator]) else { return nil }
        self.deadline = Date(milliseconds: deadline)
        user = String(text[text.index(after: separator)...])
    }
}

/// `seat_info`: each seat's sale, claim and lock, for an operator.
struct SeatInfoOutcome: ScriptOutcome {
    struct Fields: Sendable {
        let booking: Int64?
        let claim: BookingClaim?
        let holder: String?
        let since: Date?
        let token: Int64?
        /// The lock key's expiry; nil when it has none.
        let until: Date?
    }

    let serverTime: Date
    let seats: [Fields]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        seats = try (1..<max(reply.count, 1)).map { index throws(SeatLockingError) in
            let fields = try reply.list(at: index)
            func text(_ position: Int) -> String? { fields.indices.contains(position) ? fields[position].string : nil }
            let expiry = fields.count > 5 ? fields[5].int : nil
            return Fields(
                booking: text(0).flatMap(Int64.init), claim: text(1).flatMap(BookingClaim.init), holder: text(2),
                since: text(3).flatMap(Int64.init).map(Date.init(milliseconds:)), token: text(4).flatMap(Int64.init),
                until: expiry.flatMap { $0 > 0 ? Date(milliseconds: $0) : nil })
        }
    }
}

extension SeatScripts {
    static let seatInfo = SeatScript<SeatInfoInput, SeatInfoOutcome>(
        name: "seat_info",
        layout: ScriptLayout(
            keys: ScriptSlots(["soldKey", "claimsKey"], list: "lockKeys"),
            arguments: ScriptSlots(list: "seats")),
        body: ScriptLibrary.now + """
            local reply = {now}
            for i, seat in ipairs(seats) do
              local lock = redis.call('HMGET', lockKeys[i], 'user_id', 'locked_at', 'token')
              reply[#reply + 1] = {redis.call('HGET', soldKey, seat) or false, redis.call('HGET', claimsKey, seat) or false,
                lock[1] or false, lock[2] or false, lock[3] or false, redis.call('PEXPIRETIME', lockKeys[i])}
            end
            return reply
            """)
}
