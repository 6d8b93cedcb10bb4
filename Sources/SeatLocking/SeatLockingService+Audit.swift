import CinebookModel

extension SeatLockingService {
    /// Checks, atomically, that every lock has a TTL and an index entry with its expiry,
    /// that every live index entry has its lock, and that no sold seat is locked. Whether
    /// the sold seats are the database's is reconciliation's question.
    public func audit(showtime id: Int) async throws(SeatLockingError) -> AuditReport {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let reply = try await run(
            SeatScripts.audit, AuditInput(keys: SeatKeys(showtime: id), seats: showtime.layout.seats.map(\.code)),
            Request(showtime: showtime, user: "", seats: []))
        return AuditReport(showtimeID: id, problems: reply.problems, locks: reply.locks, sold: reply.sold)
    }
}
