import Foundation

/// Everything a run measured, for people (`text`) and programs (`Codable`).
public struct BenchReport: Sendable, Codable {
    public struct OperationFigures: Sendable, Codable {
        public let operation: String
        public let count: Int
        public let p50Ms: Double
        public let p90Ms: Double
        public let p99Ms: Double
        public let p999Ms: Double
        public let maxMs: Double
        /// p50 over its floor: the bare SET for writes, the bare PING for reads.
        public let p50OverFloor: Double
        public let floor: String
    }

    public struct Memory: Sendable, Codable {
        /// Redis memory per held seat: lock hash, index entry and per-user entry (`MEMORY USAGE`).
        /// (Measured on the core only: through HTTP the run leaves the server's keys alone.)
        public let redisBytesPerHeldSeat: Double?
        /// `MEMORY USAGE` of one lock key.
        public let lockKeyBytes: Int?
        public let processRssStartMb: Double
        public let processRssEndMb: Double
        public let processRssMaxMb: Double
    }

    public struct Invariants: Sendable, Codable {
        public let grants: Int
        public let bookings: Int
        /// Of those, bookings of parties (friends who chose together, `--together`).
        public let partyBookings: Int
        /// Seats the house kept back (`--house`): never granted nor sold to anyone.
        public let houseSeatsKeptBack: Int
        /// Holds that ended early because Redis lost its data (a flush, an empty restart, a failover).
        public let holdsLostWithRedis: Int
        /// Seats the database sold that Redis still showed locked after a run with Redis
        /// faults (a failover lost the primary's last writes); repaired by reconciliation.
        public let seatsRepairedAfterLostWrites: Int
        public let showtimesChecked: Int
        /// Performances sold out, audited and removed while the run went on.
        public let showtimesFinishedDuringRun: Int
        public let violations: [String]
        public var ok: Bool { violations.isEmpty }
    }

    public let ok: Bool
    /// `core`, or the base URL of the HTTP API the load went through.
    public let target: String
    public let users: Int
    /// Mean pause of a user before each operation.
    public let thinkMs: Double
    public let showtimes: Int
    public let connections: String
    public let appendfsync: String
    public let durationSeconds: Double
    public let operations: Int
    public let operationsPerSecond: Double
    public let conflictRate: Double
    public let refusals: Int
    public let errors: Int
    public let lastError: String?
    public let baseline: Baseline
    public let latencies: [OperationFigures]
    public let memory: Memory
    public let invariants: Invariants

    public var text: String {
        var lines: [String] = []
        lines.append(String(
            format: "%d users%@ on %d showtime%@ (%@ connections%@), appendfsync %@: %d operations in %.1f s = %.0f ops/s",
            users, thinkMs > 0 ? String(format: " thinking %.0f ms", thinkMs) : "", showtimes, showtimes == 1 ? "" : "s", connections,
            target == "core" ? "" : ", through \(target)", appendfsync,
            operations, durationSeconds, operationsPerSecond))
        lines.append(String(
            format: "floor (p50): PING %.3f ms, trivial EVALSHA %.3f ms, SET %.3f ms (p99 %.3f ms)",
            baseline.pingMicroseconds / 1000, baseline.scriptMicroseconds / 1000, baseline.setMicroseconds / 1000,
            baseline.setP99Microseconds / 1000))
        lines.append("")
        lines += Self.table(latencies)
        lines.append("")
        lines.append(String(format: "conflicts: %.1f%% of locks · refusals: %d · errors: %d", conflictRate * 100, refusals, errors)
            + (lastError.map { " (last: \($0))" } ?? ""))
        let rss = String(
            format: "bench RSS %.1f → %.1f MB (max %.1f)", memory.processRssStartMb, memory.processRssEndMb, memory.processRssMaxMb)
        if let perSeat = memory.redisBytesPerHeldSeat, let lockKey = memory.lockKeyBytes {
            lines.append(String(format: "memory: %.0f bytes of Redis per held seat (lock key alone %d bytes); ", perSeat, lockKey) + rss)
        } else {
            lines.append("memory: " + rss)
        }
        if invariants.ok {
            let parties = invariants.partyBookings > 0 ? " (\(invariants.partyBookings) by parties)" : ""
            let house = invariants.houseSeatsKeptBack > 0 ? ", none of the \(invariants.houseSeatsKeptBack) kept back by the house taken" : ""
            lines.append("invariants: OK — \(invariants.grants) grants, \(invariants.bookings) bookings\(parties), \(invariants.showtimesChecked) showtimes audited; no seat held twice, none sold twice\(house)")
            if invariants.holdsLostWithRedis > 0 {
                lines.append("  \(invariants.holdsLostWithRedis) holds were lost with Redis's data; their seats' sales were kept")
            }
            if invariants.seatsRepairedAfterLostWrites > 0 {
                lines.append(
                    "  \(invariants.seatsRepairedAfterLostWrites) sold seats were still locked in Redis after it lost writes; reconciliation repaired them")
            }
        } else {
            lines.append("invariants: VIOLATED")
            lines.append(contentsOf: invariants.violations.map { "  - \($0)" })
        }
        return lines.joined(separator: "\n")
    }

    /// The latency table, every column right-aligned under its heading (the operation's
    /// left-aligned), whatever the numbers' widths.
    static func table(_ latencies: [OperationFigures]) -> [String] {
        let headings = ["operation", "count", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "p50/floor", "floor"]
        let rows = latencies.map { figure in
            [figure.operation, String(figure.count)]
                + [figure.p50Ms, figure.p90Ms, figure.p99Ms, figure.p999Ms, figure.maxMs].map { String(format: "%.3f", $0) }
                + [String(format: "%.2fx", figure.p50OverFloor), figure.floor]
        }
        let widths = headings.indices.map { column in ([headings] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                // The first and the last (names) read from the left, the numbers from the right.
                return column == 0 || column == cells.count - 1 ? cells[column] + padding : padding + cells[column]
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [line(headings)] + rows.map(line)
    }
}
