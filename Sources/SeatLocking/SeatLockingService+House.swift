import CinebookModel
import Foundation
import SeatRecords

/// House holds: seats an operator keeps back from sale. They are made as a booking is, in
/// three steps (claim in Redis, commit in the database, sold in Redis), by the house
/// (`house:<label>`) and with the hold's terms in the same transaction, so that the
/// database fences them as it fences sales: nobody can lock, release or book them, the
/// sweep never touches them, best available never offers them, and they come back
/// after anything that empties Redis. Giving seats back, or booking them for a guest,
/// changes the database first; Redis follows, and reconciliation repairs it if it did not.
extension SeatLockingService {
    /// Keeps the seats back for the house, all or none; each must be free (nobody's hold,
    /// unsold). `end`: when they go back to sale by themselves.
    public func holdForHouse(
        _ seats: [SeatCode], showtime id: Int, label: HouseLabel, until end: HouseHoldEnd, by operatorName: String
    ) async throws(SeatLockingError) -> HouseHold {
        let operatorName = try Self.validatedUser(operatorName)
        let request = try houseRequest(seats, showtime: id, label: label)
        if let date = end.date, date <= Date() {
            throw .invalidRequest("The hold would end at \(CinemaTime.day(date, in: request.showtime.timeZone)), which has passed.")
        }
        let boxOffice = request.seats.filter(request.showtime.occupied.contains)
        guard boxOffice.isEmpty else { throw .seatsUnavailable(boxOffice, suggestions: []) }
        let input = ClaimInput(keys: SeatKeys(showtime: id), user: request.user, seats: request.seats, window: policy.bookingWindow, takesFree: true)
        let claimedAt: Date
        switch try await runLoaded(SeatScripts.claim, input, request, write: true) {
        case let .claimed(serverTime): claimedAt = serverTime
        case let .taken(sold, others, _): throw .seatsUnavailable(sold + others, suggestions: [])
        case .expired: throw .internalError("a house claim found seats expired")
        }
        let sale = Sale(
            showtimeID: id, user: request.user, seats: request.seats, at: claimedAt,
            house: HouseTerms(label: label, heldBy: operatorName, end: end))
        let outcome: SaleOutcome
        do {
            outcome = try await database("house_hold") { () async throws(RecordsError) in try await records.commit(sale) }
        } catch {
            // Unless the commit may have happened, nothing was kept back: the claims go.
            if case .outcomeUnknown = error {} else {
                try? await settle(showtime: id, sell: [:], free: [], unclaim: request.seats, complete: false, request)
            }
            throw Self.failure(error)
        }
        let record: Booking
        switch outcome {
        case let .booked(booking): record = booking
        case let .refused(sold):
            try? await settle(showtime: id, sell: sold.mapValues(\.id), free: [], unclaim: request.seats, complete: false, request)
            throw .seatsUnavailable(request.seats.filter { sold[$0] != nil }, suggestions: [])
        }
        await sold(record, request)
        await remember(.houseHeld, request, user: operatorName, label: label, at: claimedAt)
        logger.info("house hold", metadata: request.metadata(["label": "\(label)", "by": "\(operatorName)"]))
        return HouseHold(
            id: record.id, showtimeID: id, label: label, heldBy: operatorName, heldAt: claimedAt, end: end,
            seats: request.showtime.inHallOrder(request.seats))
    }

    /// The showtime's house holds in force, oldest first.
    public func houseHolds(showtime id: Int) async throws(SeatLockingError) -> [HouseHold] {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        do {
            return try await database("house_holds") { () async throws(RecordsError) in try await records.houseHolds(showtime: id, endingBy: nil) }
                .map { $0.inHallOrder(of: showtime) }
        } catch {
            throw Self.failure(error)
        }
    }

    /// Gives seats kept back by the house back to sale: `seats`, or every seat of the hold
    /// labelled `label`. Every map shows them free at once.
    public func releaseHouse(
        _ seats: [SeatCode], label: HouseLabel?, showtime id: Int, by operatorName: String
    ) async throws(SeatLockingError) -> Release {
        let operatorName = try Self.validatedUser(operatorName)
        let chosen = try await houseSeats(seats, label: label, showtime: id)
        let request = try houseRequest(chosen, showtime: id, label: label)
        let now = Date()
        let released: [SeatCode]
        do {
            released = try await database("house_release") { () async throws(RecordsError) in
                try await records.releaseHouseSeats(showtime: id, request.seats, at: now)
            }
        } catch {
            throw Self.failure(error)
        }
        await freed(released, request)
        await remember(.houseReleased, Request(showtime: request.showtime, user: request.user, seats: released), user: operatorName, label: label, at: now)
        return Release(showtimeID: id, released: request.showtime.inHallOrder(released), serverTime: now)
    }

    /// Books seats kept back by the house for a named guest, all or none: `seats`, or every
    /// seat of the hold labelled `label`. The booking is the guest's, and the database
    /// keeps which hold it came from.
    public func bookForGuest(
        _ seats: [SeatCode], label: HouseLabel?, guest: String, showtime id: Int, by operatorName: String
    ) async throws(SeatLockingError) -> Booking {
        let operatorName = try Self.validatedUser(operatorName)
        let guest = try Self.validatedUser(guest)
        let chosen = try await houseSeats(seats, label: label, showtime: id)
        let request = try houseRequest(chosen, showtime: id, label: label)
        // At a whole millisecond, as the database keeps it.
        let sale = Sale(showtimeID: id, user: guest, seats: request.showtime.inHallOrder(request.seats), at: Date(milliseconds: Date().milliseconds))
        let outcome: HouseGuestOutcome
        do {
            outcome = try await database("house_guest") { () async throws(RecordsError) in try await records.bookHouseGuest(sale) }
        } catch {
            throw Self.failure(error)
        }
        let booking: Booking
        switch outcome {
        case let .booked(made): booking = made
        case let .notHeld(seats): throw .invalidRequest(Self.notKeptBack(seats))
        }
        await sold(booking, request)
        await remember(.houseBooked, request, user: guest, label: label, at: sale.at)
        logger.info("house guest booked", metadata: request.metadata(["guest": "\(guest)", "by": "\(operatorName)", "booking_id": "\(booking.id)"]))
        return booking
    }

    /// Gives back to sale every house hold whose end has come; part of the cleanup pass.
    /// Answers the seats given back.
    func releaseEndedHouseHolds() async throws(SeatLockingError) -> Int {
        let now = Date()
        let ended: [HouseHold]
        do { ended = try await records.houseHolds(showtime: nil, endingBy: now) } catch { throw Self.failure(error) }
        var count = 0
        for hold in ended {
            guard let showtime = catalog.showtime(hold.showtimeID) else { continue }
            let released: [SeatCode]
            do { released = try await records.releaseHouseSeats(showtime: hold.showtimeID, hold.seats, at: now) } catch { throw Self.failure(error) }
            let request = Request(showtime: showtime, user: hold.label.holder, seats: released)
            await freed(released, request)
            await remember(.houseReleased, request, user: nil, label: hold.label, at: now)
            count += released.count
        }
        return count
    }

    /// The showtime as operators see it: seats the house keeps back in a state of their own.
    public func houseStatus(showtime id: Int) async throws(SeatLockingError) -> ShowtimeStatus {
        let holds = try await houseHolds(showtime: id)
        let status = try await status(showtime: id, viewer: nil)
        let kept = Set(holds.flatMap(\.seats))
        return ShowtimeStatus(
            showtime: status.showtime, viewer: nil,
            seats: status.seats.map { kept.contains($0.seat.code) ? SeatStatus(seat: $0.seat, state: .house, expiresAt: nil) : $0 },
            serverTime: status.serverTime, revision: status.revision)
    }

    // MARK: Steps

    /// A house request: the showtime's seats, any number of them, held by the house.
    private func houseRequest(_ seats: [SeatCode], showtime id: Int, label: HouseLabel?) throws(SeatLockingError) -> Request {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        guard !seats.isEmpty else { throw .invalidRequest("Name at least one seat, like C7.") }
        try SeatCode.checkDistinct(seats)
        let unknown = seats.filter { showtime.layout.seat($0) == nil }
        guard unknown.isEmpty else { throw .unknownSeats(unknown, showtime: id) }
        return Request(showtime: showtime, user: (label ?? HouseLabel("house")!).holder, seats: seats)
    }

    /// The seats named, each kept back by the house; or, with none named, the seats of the
    /// hold labelled `label`.
    private func houseSeats(_ seats: [SeatCode], label: HouseLabel?, showtime id: Int) async throws(SeatLockingError) -> [SeatCode] {
        let holds = try await houseHolds(showtime: id)
        guard seats.isEmpty else {
            let kept = Set(holds.filter { label == nil || $0.label == label }.flatMap(\.seats))
            let others = seats.filter { !kept.contains($0) }
            guard others.isEmpty else { throw .invalidRequest(Self.notKeptBack(others) + (label.map { " under \"\($0)\"" } ?? "")) }
            return seats
        }
        guard let label else { throw .invalidRequest("Name the seats, or the label of the hold (--label).") }
        let seats = holds.filter { $0.label == label }.flatMap(\.seats)
        guard !seats.isEmpty else {
            throw .invalidRequest("No house hold of showtime \(id) is labelled \"\(label)\"; `cinebook house list --showtime \(id)` lists them.")
        }
        return seats
    }

    private static func notKeptBack(_ seats: [SeatCode]) -> String {
        "\(seats.sentence) \(seats.count == 1 ? "is" : "are") not kept back by the house"
    }

    /// Redis learns that the seats are sold (to the house or a guest); reconciliation
    /// does it, if this fails.
    private func sold(_ booking: Booking, _ request: Request) async {
        do {
            try await settle(
                showtime: booking.showtimeID, sell: Dictionary(uniqueKeysWithValues: booking.seats.map { ($0, booking.id) }), free: [],
                unclaim: [], complete: false, request)
        } catch {
            logger.warning("the house's seats are in the database, but Redis was not told; reconciliation will", metadata: request.metadata())
        }
    }

    /// Redis learns that the seats are for sale again, and every map is told.
    private func freed(_ seats: [SeatCode], _ request: Request) async {
        guard !seats.isEmpty else { return }
        do {
            try await settle(showtime: request.showtime.id, sell: [:], free: seats, unclaim: [], complete: false, request)
        } catch {
            logger.warning("seats given back in the database, but Redis was not told; reconciliation will", metadata: request.metadata())
        }
    }

    /// An entry of the hold history, kept in the database at once. Its id is the time, and a
    /// sequence far above any Redis gives within one millisecond.
    private func remember(_ event: HistoryEntry.Event, _ request: Request, user: String?, label: HouseLabel?, at: Date) async {
        guard !request.seats.isEmpty else { return }
        let entry = HistoryEntry(
            id: .init(milliseconds: at.milliseconds, sequence: Int64.random(in: 1_000_000..<1_000_000_000)), showtimeID: request.showtime.id,
            event: event, seats: request.seats, user: user, at: at, operation: label?.text)
        do { try await records.archive([entry]) } catch {
            logger.warning("a house hold's change is not in the history", metadata: request.metadata(["error": "\(error)"]))
        }
    }
}

extension Showtime {
    /// Seats in the order of the hall, row by row.
    func inHallOrder(_ seats: [SeatCode]) -> [SeatCode] {
        seats.compactMap(layout.seat).sorted { ($0.rowIndex, $0.column) < ($1.rowIndex, $1.column) }.map(\.code)
    }
}

extension HouseHold {
    func inHallOrder(of showtime: Showtime) -> HouseHold {
        HouseHold(id: id, showtimeID: showtimeID, label: label, heldBy: heldBy, heldAt: heldAt, end: end, seats: showtime.inHallOrder(seats))
    }
}
