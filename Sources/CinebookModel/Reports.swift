import Foundation

/// How Redis and the database differed for one showtime, and whether that was repaired.
public struct ReconcileReport: Sendable, Hashable {
    /// A booking interrupted between the two stores: its claim passed its deadline.
    public struct InterruptedBooking: Sendable, Hashable {
        public let seat: SeatCode
        public let user: String
        /// The database committed it, so it is a sale; otherwise the seat is free again.
        public let committed: Bool

        package init(seat: SeatCode, user: String, committed: Bool) {
            self.seat = seat
            self.user = user
            self.committed = committed
        }
    }

    public let showtimeID: Int
    /// Redis had lost the showtime's sold seats (a flush, an empty restart, a failover);
    /// a showtime used for the first time has nothing to lose.
    public let redisLostData: Bool
    /// Sold in the database, but not (or to another booking) in Redis.
    public let soldOnlyInDatabase: [SeatCode]
    /// Sold in Redis, but in no booking of the database.
    public let soldOnlyInRedis: [SeatCode]
    public let interruptedBookings: [InterruptedBooking]
    /// Live locks on seats the database has sold.
    public let locksOnSoldSeats: [SeatCode]
    /// Redis now agrees with the database.
    public package(set) var repaired: Bool

    public var isConsistent: Bool {
        !redisLostData && soldOnlyInDatabase.isEmpty && soldOnlyInRedis.isEmpty && interruptedBookings.isEmpty
            && locksOnSoldSeats.isEmpty
    }

    package init(showtimeID: Int, redisLostData: Bool, soldOnlyInDatabase: [SeatCode], soldOnlyInRedis: [SeatCode], interruptedBookings: [InterruptedBooking], locksOnSoldSeats: [SeatCode], repaired: Bool) {
        self.showtimeID = showtimeID
        self.redisLostData = redisLostData
        self.soldOnlyInDatabase = soldOnlyInDatabase
        self.soldOnlyInRedis = soldOnlyInRedis
        self.interruptedBookings = interruptedBookings
        self.locksOnSoldSeats = locksOnSoldSeats
        self.repaired = repaired
    }
}

/// A consistency check of one showtime's keys, for operators and the load benchmark.
public struct AuditReport: Sendable, Hashable {
    public let showtimeID: Int
    /// Each problem names the seat and what is wrong, such as `A1: lock without TTL`.
    public let problems: [String]
    /// Live locks found.
    public let locks: Int
    /// Seats sold.
    public let sold: Int

    public var isConsistent: Bool { problems.isEmpty }

    package init(showtimeID: Int, problems: [String], locks: Int, sold: Int) {
        self.showtimeID = showtimeID
        self.problems = problems
        self.locks = locks
        self.sold = sold
    }
}

/// What one archive pass moved into the database of record, by showtime.
public struct ArchiveReport: Sendable, Hashable {
    public let archived: [Int: Int]

    public var total: Int { archived.values.reduce(0, +) }

    package init(archived: [Int: Int]) {
        self.archived = archived
    }
}

/// What one sweep found: expired locks whose index entries it removed, per showtime.
public struct SweepReport: Sendable, Hashable {
    public let expired: [Int: [SeatCode]]
    public var total: Int { expired.values.reduce(0) { $0 + $1.count } }

    package init(expired: [Int: [SeatCode]]) {
        self.expired = expired
    }
}

/// What one cleanup pass did, step by step: each step runs even when one before it failed,
/// and says how it went and how long it took.
public struct CleanupReport: Sendable {
    public struct Step<Value: Sendable>: Sendable {
        public let outcome: Result<Value, SeatLockingError>
        public let took: Duration

        package init(outcome: Result<Value, SeatLockingError>, took: Duration) {
            self.outcome = outcome
            self.took = took
        }
    }

    /// Expired locks swept from the index and announced.
    public let sweep: Step<SweepReport>
    /// Redis made to agree with the database of record, showtime by showtime.
    public let reconcile: Step<[ReconcileReport]>
    /// The hold history moved into the database of record.
    public let archive: Step<ArchiveReport>

    /// What a pass whose every step succeeded found; the first failure otherwise.
    public func completed() throws(SeatLockingError) -> (swept: SweepReport, reconciled: [ReconcileReport], archived: ArchiveReport) {
        (try sweep.outcome.get(), try reconcile.outcome.get(), try archive.outcome.get())
    }

    package init(sweep: Step<SweepReport>, reconcile: Step<[ReconcileReport]>, archive: Step<ArchiveReport>) {
        self.sweep = sweep
        self.reconcile = reconcile
        self.archive = archive
    }
}
