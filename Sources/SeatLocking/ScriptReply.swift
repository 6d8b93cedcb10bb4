import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatRecords

/// Reads a script's reply by position, for the scripts' outcomes (each beside its script in
/// `Scripts/`, and the only readers of replies).
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

    func string(at index: Int) throws(SeatLockingError) -> String {
        guard index < parts.count, let value = parts[index].string else { throw malformed() }
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

    /// A list of seat codes.
    func codes(at index: Int) throws(SeatLockingError) -> [SeatCode] {
        try strings(at: index).map { text throws(SeatLockingError) in try code(text) }
    }

    /// A `{seat, value, seat, value, ...}` list (HGETALL of a hash keyed by seat) as a dictionary.
    func pairs(at index: Int) throws(SeatLockingError) -> [SeatCode: String] {
        let flat = try strings(at: index)
        var result: [SeatCode: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) { result[try code(flat[pair])] = flat[pair + 1] }
        return result
    }

    /// A `{seat, expiry, seat, expiry, ...}` list as seat → expiry.
    func expiries(at index: Int) throws(SeatLockingError) -> [SeatCode: Date] {
        let flat = try strings(at: index)
        var result: [SeatCode: Date] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let milliseconds = Double(flat[pair + 1]) else { throw malformed() }
            result[try code(flat[pair])] = Date(milliseconds: Int64(milliseconds))
        }
        return result
    }

    /// A seat code as the scripts write it: canonical, or the reply is malformed.
    private func code(_ text: String) throws(SeatLockingError) -> SeatCode {
        guard let code = SeatCode(canonical: text) else { throw malformed() }
        return code
    }

    /// The `seat, expiry, token` triples from `first` on (after `'ok', now`, and the
    /// epoch in lock replies).
    func heldSeats(from first: Int = 2) throws(SeatLockingError) -> [HeldSeat] {
        var seats: [HeldSeat] = []
        for start in stride(from: first, to: parts.count, by: 3) {
            guard start + 2 < parts.count, let text = parts[start].string,
                  let expiry = parts[start + 1].int, let token = parts[start + 2].int
            else { throw malformed() }
            seats.append(HeldSeat(code: try code(text), expiresAt: Date(milliseconds: expiry), token: token))
        }
        return seats
    }

    func malformed() -> SeatLockingError {
        .internalError("unexpected reply from a seat script: \(reply)")
    }
}
