import CinebookModel
import Foundation

/// `inspect`: what reconciliation compares with the database.
/// Reply: {now, this node's marker present (1 or 0), {seat, booking id, ...} sold,
///         {seat, claim, ...} claimed, {seat, ...} live locks}
struct InspectInput: ScriptInput {
    let keys: SeatKeys

    var values: ScriptValues {
        ScriptValues(
            keys: ["indexKey": .one(keys.index), "soldKey": .one(keys.sold), "claimsKey": .one(keys.claims), "loadedKey": .one(keys.loaded)],
            arguments: [:])
    }
}

/// `inspect`: what reconciliation compares with the database.
struct InspectOutcome: ScriptOutcome {
    let serverTime: Date
    /// This node loaded the showtime's sold seats (its marker is present).
    let loaded: Bool
    /// Seat → booking id, as Redis has them.
    let sold: [SeatCode: String]
    /// Seat → claim; a claim Redis cannot read counts as none.
    let claims: [SeatCode: BookingClaim]
    let locked: Set<SeatCode>

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        loaded = try reply.integer(at: 1) == 1
        sold = try reply.pairs(at: 2)
        claims = try reply.pairs(at: 3).compactMapValues(BookingClaim.init)
        locked = Set(try reply.codes(at: 4))
    }
}

extension SeatScripts {
    static let inspect = SeatScript<InspectInput, InspectOutcome>(
        name: "inspect",
        layout: ScriptLayout(
            keys: ScriptSlots(["indexKey", "soldKey", "claimsKey", "loadedKey"])),
        body: ScriptLibrary.now + ScriptLibrary.marker + """
            return {now, loadedEpoch(loadedKey) and 1 or 0, redis.call('HGETALL', soldKey), redis.call('HGETALL', claimsKey),
              redis.call('ZRANGEBYSCORE', indexKey, '(' .. now, '+inf')}
            """)
}
