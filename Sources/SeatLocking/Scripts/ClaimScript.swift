import CinebookModel
import Foundation

/// `claim`, a booking's first step: checks that the user holds every seat, and claims them
/// for the booking until a deadline. A claimed seat is taken for everybody, the user
/// included, until `sell` (the database committed) or `settle` (it did not) ends the claim.
/// The user's own claim may be renewed: a retry after an unanswered booking is safe,
/// because the database refuses to sell a seat twice.
/// Reply: {'ok', now, deadline}
///     or {'taken', now, {sold seats}, {seats held or claimed by others},
///         {seats of others' claims past their deadline}}
///     or {'expired', now, {seats the user no longer holds}}
///     or {'not_loaded', now}
struct ClaimInput: ScriptInput {
    let keys: SeatKeys
    let user: String
    let seats: [SeatCode]
    /// How long the claim keeps the seats for the booking.
    let window: Duration
    /// The house keeping seats back: a seat nobody holds is claimed too (no lock first).
    var takesFree = false

    var values: ScriptValues {
        ScriptValues(
            keys: [
                "soldKey": .one(keys.sold), "claimsKey": .one(keys.claims), "loadedKey": .one(keys.loaded),
                "lockKeys": .list(seats.map(keys.lock)), "versionKey": .one(keys.version),
            ],
            arguments: [
                "user": .one(user), "windowMs": .one(String(window.milliseconds)), "takesFree": .one(takesFree ? "1" : "0"),
                "seats": .list(seats.map(\.text)),
            ])
    }
}

/// `claim`, the first step of a booking.
enum ClaimOutcome: ScriptOutcome {
    case claimed(serverTime: Date)
    /// `sold` seats, seats held or claimed by `others`, and `staleClaims` past their deadline.
    case taken(sold: [SeatCode], others: [SeatCode], staleClaims: [SeatCode])
    /// Seats the user no longer holds.
    case expired([SeatCode])

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .claimed(serverTime: try reply.serverTime)
        case "taken": self = .taken(sold: try reply.codes(at: 2), others: try reply.codes(at: 3), staleClaims: try reply.codes(at: 4))
        case "expired": self = .expired(try reply.codes(at: 2))
        default: throw reply.malformed()
        }
    }
}

extension SeatScripts {
    static let claim = SeatScript<ClaimInput, ClaimOutcome>(
        name: "claim",
        layout: ScriptLayout(
            keys: ScriptSlots(["soldKey", "claimsKey", "loadedKey"], list: "lockKeys", tail: ["versionKey"]),
            arguments: ScriptSlots(["user", "windowMs", "takesFree"], list: "seats")),
        body: ScriptLibrary.now + ScriptLibrary.claims + ScriptLibrary.requireLoaded + """
            local count = #seats
            local sold, others, stale, expired = {}, {}, {}, {}
            for i = 1, count do
              local seat = seats[i]
              local deadline, claimant = claimOf(redis.call('HGET', claimsKey, seat))
              local owner = redis.call('HGET', lockKeys[i], 'user_id')
              if redis.call('HEXISTS', soldKey, seat) == 1 then
                sold[#sold + 1] = seat
              elseif claimant and claimant ~= user then
                others[#others + 1] = seat
                if deadline <= now then stale[#stale + 1] = seat end
              elseif not (claimant and deadline > now) then
                if not owner then
                  if takesFree ~= '1' then expired[#expired + 1] = seat end
                elseif owner ~= user then
                  others[#others + 1] = seat
                end
              end
            end
            if #sold > 0 or #others > 0 then return {'taken', now, sold, others, stale} end
            if #expired > 0 then return {'expired', now, expired} end
            local deadline = now + tonumber(windowMs)
            for i = 1, count do redis.call('HSET', claimsKey, seats[i], deadline .. '|' .. user) end
            -- Others now see the seats as taken: the showtime's version grows.
            redis.call('INCR', versionKey)
            return {'ok', now, deadline}
            """)
}
