import CinebookSupport
import Foundation
import RedisClient

/// Reads a script's reply by position, for the outcomes in `ScriptOutcomes` (the only
/// readers of replies).
struct ScriptReply {
    let reply: RedisReply
    private let parts: [RedisReply]

    init(_ reply: RedisReply) {
        self.reply = reply
        parts = reply.array ?? []
    }

    /// How many elements the reply has.
    var count: Int { parts.count }

    /// The first element of `{'ok' | 'unavailable' | ..., now, ...}` replies.
    var outcome: String? { parts.first?.string }

    /// `{'not_loaded', now}`: Redis does not have the showtime's sold seats (yet).
    var isNotLoaded: Bool { outcome == "not_loaded" }

    /// Server time, the second element of outcome replies.
    var serverTime: Date { get throws(SeatLockingError) { try time(at: 1) } }

    func time(at index: Int) throws(SeatLockingError) -> Date {
        Date(milliseconds: try integer(at: index))
    }

    func integer(at index: Int) throws(SeatLockingError) -> Int64 {
        guard index < parts.count, let value = parts[index].int else { throw malformed() }
        return value
    }

    func list(at index: Int) throws(SeatLockingError) -> [RedisReply] {
        guard index < parts.count, let list = parts[index].array else { throw malformed() }
        return list
    }

    func strings(at index: Int) throws(SeatLockingError) -> [String] {
        guard index < parts.count, let list = parts[index].array else { throw malformed() }
        return list.compactMap(\.string)
    }

    /// A `{field, value, field, value, ...}` list (HGETALL) as a dictionary.
    func pairs(at index: Int) throws(SeatLockingError) -> [String: String] {
        let flat = try strings(at: index)
        var result: [String: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) { result[flat[pair]] = flat[pair + 1] }
        return result
    }

    /// A `{seat, expiry, seat, expiry, ...}` list as seat → expiry.
    func expiries(at index: Int) throws(SeatLockingError) -> [String: Date] {
        let flat = try strings(at: index)
        var result: [String: Date] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let milliseconds = Double(flat[pair + 1]) else { throw malformed() }
            result[flat[pair]] = Date(milliseconds: Int64(milliseconds))
        }
        return result
    }

    /// The `seat, expiry, token` triples from `first` on (after `'ok', now`, and the
    /// epoch in lock replies).
    func heldSeats(from first: Int = 2) throws(SeatLockingError) -> [HeldSeat] {
        var seats: [HeldSeat] = []
        for start in stride(from: first, to: parts.count, by: 3) {
            guard start + 2 < parts.count, let code = parts[start].string,
                  let expiry = parts[start + 1].int, let token = parts[start + 2].int
            else { throw malformed() }
            seats.append(HeldSeat(code: code, expiresAt: Date(milliseconds: expiry), token: token))
        }
        return seats
    }

    func malformed() -> SeatLockingError {
        .internalError("unexpected reply from a seat script: \(reply)")
    }
}
