import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService {
    /// Compares one showtime's sold seats, booking claims and locks in Redis with the
    /// database of record; with `repair`, makes Redis agree: the database wins.
    ///
    /// Redis is read before the database. Redis marks a seat sold only after the database
    /// committed it, so a sale that lands between the two reads is never mistaken for a
    /// seat sold without a booking.
    @discardableResult
    public func reconcile(showtime id: Int, repair: Bool) async throws(SeatLockingError) -> ReconcileReport {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let request = Request(showtime: showtime, user: "", seats: [])
        let redis = try await run(SeatScripts.inspect, InspectInput(keys: SeatKeys(showtime: id)), request)
        let sold: [SeatCode: Int64]
        do { sold = try await database("sold") { () async throws(RecordsError) in try await records.sold(showtime: id) } } catch { throw Self.failure(error) }

        let interrupted = redis.claims.compactMap { seat, claim -> ReconcileReport.InterruptedBooking? in
            guard claim.deadline <= redis.serverTime else { return nil }
            return .init(seat: seat, user: claim.user, committed: sold[seat] != nil)
        }.sorted { $0.seat < $1.seat }
        let layoutOrder = { (seats: [SeatCode]) in showtime.layout.seats.map(\.code).filter(Set(seats).contains) }
        var report = ReconcileReport(
            showtimeID: id, redisLostData: !redis.loaded && !sold.isEmpty,
            soldOnlyInDatabase: layoutOrder(sold.keys.filter { redis.sold[$0] != String(sold[$0]!) && redis.claims[$0] == nil }),
            soldOnlyInRedis: layoutOrder(redis.sold.keys.filter { sold[$0] == nil }),
            interruptedBookings: interrupted,
            locksOnSoldSeats: layoutOrder(redis.locked.filter { sold[$0] != nil }),
            repaired: false)
        if repair, !report.isConsistent || !redis.loaded {
            try await settle(
                showtime: id, sell: sold, free: report.soldOnlyInRedis,
                unclaim: interrupted.filter { !$0.committed }.map(\.seat), complete: true, request)
            report.repaired = !report.isConsistent
            if report.repaired {
                logger.notice("reconciled Redis with the database", metadata: request.metadata(["differences": "\(report)"]))
            }
        }
        return report
    }

    /// Every showtime of the catalog, one after another.
    public func reconcile(repair: Bool) async throws(SeatLockingError) -> [ReconcileReport] {
        var reports: [ReconcileReport] = []
        for showtime in catalog.showtimes { reports.append(try await reconcile(showtime: showtime.id, repair: repair)) }
        return reports
    }

    /// Runs the `settle` script: `sell` seats become sold with their booking ids, `free`
    /// seats stop being sold, `unclaim` seats lose their booking claims. `complete` says
    /// that `sell` is every seat the database has sold.
    func settle(
        showtime id: Int, sell: [SeatCode: Int64], free: [SeatCode], unclaim: [SeatCode], complete: Bool, _ request: Request
    ) async throws(SeatLockingError) {
        _ = try await run(
            SeatScripts.settle,
            SettleInput(keys: SeatKeys(showtime: id), sell: sell, free: free, unclaim: unclaim, complete: complete),
            request, write: true)
    }
}
