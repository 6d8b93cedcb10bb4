import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatRecords
import Synchronization

/// How holds ended, which locks were refused and which seat operations failed: the raw
/// material of the success metrics (conflict, abandonment and error rates, time to
/// booking, seat popularity).
///
/// The scripts write each hold's end and each refused lock into the showtime's capped
/// stream (`seat_history:{id}`), in the same atomic step as the change. A failed operation
/// is added by the service afterwards (or, while Redis is unreachable, once it answers
/// again). The archive pass moves the stream into the database of record, which keeps it
/// for good; figures are read from both.
public enum HoldHistory {
    public typealias Entry = HistoryEntry

    /// Entries kept per showtime in Redis (approximately: `XADD … MAXLEN ~`) until the
    /// archive pass moves them.
    public static let capacity = 10_000
    /// Entries read per round trip.
    public static let page = 1000
    /// Failures kept in memory while Redis cannot take them; beyond, the oldest go.
    static let pendingCapacity = 1000

    /// A stream entry, `[id, [field, value, ...]]`; nil if it is not one of ours.
    static func entry(_ reply: RedisReply, showtime: Int) -> Entry? {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string.flatMap(Entry.ID.init),
              let flat = parts[1].array
        else { return nil }
        var fields: [String: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[pair].string { fields[name] = flat[pair + 1].string }
        }
        guard let event = fields["event"].flatMap(Entry.Event.init(rawValue:)), let at = fields["at"].flatMap(Int64.init) else { return nil }
        guard let seats = SeatCode.codes(in: fields["seats"] ?? "", separatedBy: " ") else { return nil }
        return Entry(
            id: id, showtimeID: showtime, event: event, seats: seats,
            user: fields["user"], at: Date(milliseconds: at), heldMilliseconds: fields["held_ms"].flatMap(Int64.init),
            operation: fields["operation"])
    }

    /// A failed seat operation, waiting to be written.
    struct Failure: Sendable {
        let operation: SeatMetrics.Operation
        let showtime: Int
        let seats: [SeatCode]
        let user: String
        let at: Date

        /// The stream fields, as the scripts write theirs.
        var fields: [String] {
            ["event", Entry.Event.error.rawValue, "operation", operation.rawValue, "seats", seats.joined(separator: " "),
             "at", String(at.milliseconds), "user", user]
        }
    }

    /// Failures that Redis could not take yet, oldest first.
    final class PendingFailures: Sendable {
        private let failures = Mutex<[Failure]>([])

        var isEmpty: Bool { failures.withLock { $0.isEmpty } }

        func add(_ failure: Failure) {
            failures.withLock {
                $0.append(failure)
                if $0.count > HoldHistory.pendingCapacity { $0.removeFirst($0.count - HoldHistory.pendingCapacity) }
            }
        }

        func takeAll() -> [Failure] { failures.withLock { failures in defer { failures = [] }; return failures } }

        /// Puts back failures that still could not be written, before any added meanwhile.
        func putBack(_ unwritten: [Failure]) {
            guard !unwritten.isEmpty else { return }
            failures.withLock { $0 = Array((unwritten + $0).suffix(HoldHistory.pendingCapacity)) }
        }
    }
}

extension SeatLockingService {
    /// The showtime's history still in Redis, oldest first, after the entry `after` (or from the start).
    public func history(showtime id: Int, after: HoldHistory.Entry.ID? = nil, limit: Int = HoldHistory.page) async throws(SeatLockingError)
        -> [HoldHistory.Entry]
    {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        let key = SeatKeys(showtime: id).history
        do {
            let reply = try await redis.send("XRANGE", key, after.map { "(\($0)" } ?? "-", "+", "COUNT", String(limit), routingKey: key)
            return (reply.array ?? []).compactMap { HoldHistory.entry($0, showtime: id) }
        } catch {
            throw .redisUnavailable("\(error)")
        }
    }

    /// The showtime's whole history, oldest first: what the database of record keeps and
    /// what Redis has not handed over yet; from `since` (by `at`) if given.
    public func completeHistory(showtime id: Int, since: Date? = nil) async throws(SeatLockingError) -> [HoldHistory.Entry] {
        // Redis first: an archive pass that runs in between moves entries into the
        // database before it trims them, so each entry is read at least once.
        var entries: [HoldHistory.Entry.ID: HoldHistory.Entry] = [:]
        var after: HoldHistory.Entry.ID?
        repeat {
            let page = try await history(showtime: id, after: after)
            for entry in page { entries[entry.id] = entry }
            after = page.count == HoldHistory.page ? page.last?.id : nil
        } while after != nil
        do {
            for entry in try await database("history", { () async throws(RecordsError) in try await records.history(showtime: id, since: since) }) {
                entries[entry.id] = entry
            }
        } catch {
            throw Self.failure(error)
        }
        return entries.values.filter { entry in since.map { entry.at >= $0 } ?? true }.sorted { $0.id < $1.id }
    }

    /// Moves every showtime's history from Redis into the database of record, then trims
    /// from Redis what the database has committed. Failures waiting to be written go first.
    public func archiveHistory() async throws(SeatLockingError) -> ArchiveReport {
        try await writePendingFailures()
        var archived: [Int: Int] = [:]
        for showtime in catalog.showtimes {
            let key = SeatKeys(showtime: showtime.id).history
            var page: [HoldHistory.Entry]
            repeat {
                page = try await history(showtime: showtime.id)
                guard let last = page.last else { break }
                do {
                    try await database("archive", { () async throws(RecordsError) in try await records.archive(page) })
                } catch {
                    throw Self.failure(error)
                }
                // Entries added since have later ids and stay.
                let next = HoldHistory.Entry.ID(milliseconds: last.id.milliseconds, sequence: last.id.sequence + 1)
                do { try await redis.send("XTRIM", key, "MINID", "\(next)", routingKey: key) } catch {
                    throw .redisUnavailable("\(error)")
                }
                archived[showtime.id, default: 0] += page.count
            } while page.count == HoldHistory.page
        }
        return ArchiveReport(archived: archived)
    }

    /// Adds a failed operation to its showtime's history; while Redis cannot take it, it
    /// waits in memory for the next write.
    func recordFailure(_ operation: SeatMetrics.Operation, _ error: SeatLockingError, showtime id: Int, seats: [SeatCode], user: String) async {
        guard error.isFault, catalog.showtime(id) != nil else { return }
        pendingFailures.add(HoldHistory.Failure(operation: operation, showtime: id, seats: seats, user: user, at: Date()))
        // Redis just failed: no second wait for it now.
        guard !error.isUnreachable else { return }
        try? await writePendingFailures()
    }

    /// Writes the failures waiting in memory, oldest first; those Redis does not take wait on.
    func writePendingFailures() async throws(SeatLockingError) {
        guard !pendingFailures.isEmpty else { return }
        var waiting = pendingFailures.takeAll()[...]
        while let failure = waiting.first {
            let key = SeatKeys(showtime: failure.showtime).history
            do {
                try await redis.send(RedisCommand(
                    "XADD", [key, "MAXLEN", "~", String(HoldHistory.capacity), "*"] + failure.fields, routingKey: key))
            } catch {
                pendingFailures.putBack(Array(waiting))
                throw .redisUnavailable("\(error)")
            }
            waiting = waiting.dropFirst()
        }
    }
}
