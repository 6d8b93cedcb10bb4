import CinebookModel
import RedisClient
import SeatLocking
import SeatRecords

/// The audit of the showtimes a run played, and their removal afterwards.
struct ShowtimeAudit: Sendable {
    let service: SeatLockingService
    let redis: RedisClient
    /// The database of record the bookings were committed in.
    let records: any SalesRecord
    /// Showtimes of the benchmark's own, whose bookings go with them; through a server's
    /// API the showtimes are the server's, and its database keeps them.
    let ownsShowtimes: Bool

    /// The audit of a showtime played; the ledger's sales against the database's, which
    /// hold every sale; and Redis against the database (reconciliation finishes bookings
    /// interrupted by faults first).
    ///
    /// A failover can lose a primary's last writes, such as marking a booked seat sold and
    /// deleting its lock: the replica keeps a lock on a seat the database sold. No second
    /// sale can follow (the database refuses it), and reconciliation repairs it. After a run
    /// that saw Redis fail (`faultsSeen`), such seats are repaired and counted; any other
    /// difference, or one in a run without faults, is a violation.
    func check(id: Int, sales: GrantLedger.Sales, faultsSeen: Bool) async throws -> (problems: [String], repaired: Int) {
        var problems: [String] = []
        let audit = try await service.audit(showtime: id)
        problems += audit.problems.map { "showtime \(id): \($0)" }
        let inDatabase = try await records.sold(showtime: id)
        // Every sale the bench saw is in the database with its booking id; the database may
        // also have sales whose answer never reached the bench, but no other.
        let missing = sales.sold.filter { inDatabase[$0.key] != $0.value }
        // The house's own seats are its booking's, kept back on purpose.
        let unexplained = inDatabase.keys.filter { sales.sold[$0] == nil && !sales.maybeSold.contains($0) && !sales.keptBack.contains($0) }
        if !missing.isEmpty || !unexplained.isEmpty {
            problems.append(
                "showtime \(id): the database has \(inDatabase.count) sold seats, the bench booked \(sales.sold.count)"
                    + (missing.isEmpty ? "" : "; missing or different in the database: \(missing.keys.sorted())")
                    + (unexplained.isEmpty ? "" : "; sold without a booking: \(unexplained.sorted())"))
        }
        let reconciled = try await service.reconcile(showtime: id, repair: false)
        if faultsSeen, reconciled.soldOnlyInRedis.isEmpty, !reconciled.locksOnSoldSeats.isEmpty {
            _ = try await service.reconcile(showtime: id, repair: true)
            return (problems, reconciled.locksOnSoldSeats.count)
        }
        if !reconciled.soldOnlyInRedis.isEmpty || !reconciled.locksOnSoldSeats.isEmpty {
            problems.append(
                "showtime \(id): Redis sold \(reconciled.soldOnlyInRedis) without a booking, or locks seats the database sold: \(reconciled.locksOnSoldSeats)")
        }
        return (problems, 0)
    }

    /// Removes every key of the benchmark's showtimes, then their bookings from the
    /// database: a purge that Redis interrupts leaves the database's record to check.
    func purge(ids: [Int]) async throws {
        for id in ids {
            // Every key of a showtime carries its hash tag, so one node (of a cluster) has them all.
            let tag = "{\(id)}"
            var cursor = "0"
            repeat {
                let reply = try await redis.send("SCAN", cursor, "MATCH", "*\(tag)*", "COUNT", "1000", routingKey: tag)
                guard let parts = reply.array, parts.count == 2 else { break }
                cursor = parts[0].string ?? "0"
                let keys = parts[1].array?.compactMap(\.string) ?? []
                if !keys.isEmpty { try await redis.send(RedisCommand("UNLINK", keys, routingKey: tag)) }
            } while cursor != "0"
        }
        if ownsShowtimes { try await records.purge(showtimes: ids) }
    }
}
