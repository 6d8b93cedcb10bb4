import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import SeatRecords
import Synchronization

/// Showtimes built in code, each with an id no other test of this run uses, so tests
/// can share one Redis server without seeing each other's keys.
public enum TestShowtimes {
    /// This repository's `Fixtures/`: the bundled showtime files.
    public static let bundled = Repository.root.appendingPathComponent("Fixtures")

    private static let nextID = Atomic<Int>(10_000 + Int.random(in: 0..<1_000_000) * 100)

    /// A showtime id unused so far in this run (and, with a random base, likely unused
    /// by earlier runs against the same server).
    public static func uniqueID() -> Int {
        nextID.add(1, ordering: .relaxed).newValue
    }

    /// Far enough ahead that its sales never close during a test.
    public static let farFuture = Date(timeIntervalSince1970: 4_102_444_800)

    /// A showtime with a fresh id whose rows are given as patterns (`s`, `p`, `w`, `_`),
    /// labelled A, B, C, ... from the screen; on sale until `startsAt` less `salesCutoff`.
    public static func make(
        _ patterns: [String],
        occupied: Set<SeatCode> = [],
        title: String = "Test Screening",
        startsAt: Date = farFuture,
        timeZone: TimeZone = .utc,
        salesCutoff: Duration = .zero,
        id: Int? = nil
    ) throws -> Showtime {
        let labels = patterns.indices.map { String(UnicodeScalar(UInt8(65 + $0))) }
        let layout = try SeatLayout(rowPatterns: Array(zip(labels, patterns)).map { (label: $0.0, pattern: $0.1) })
        return Showtime(
            id: id ?? uniqueID(), title: title, auditorium: "Test Hall", startsAt: startsAt, layout: layout, occupied: occupied,
            timeZone: timeZone, salesCutoff: salesCutoff)
    }

    /// A plain auditorium of `rows` rows of `seats` standard seats.
    public static func grid(rows: Int, seats: Int, occupied: Set<SeatCode> = []) throws -> Showtime {
        try make(Array(repeating: String(repeating: "s", count: seats), count: rows), occupied: occupied)
    }
}

extension TestShowtimes {
    /// Plain grids with fresh ids, one served by each primary of `cluster`.
    public static func oneOnEachShard(of cluster: RedisTestCluster, rows: Int = 5, seats: Int = 10) async throws -> [Showtime] {
        let primaries = try await cluster.primaries()
        var found: [Int: Showtime] = [:]
        while found.count < primaries.count {
            let showtime = try grid(rows: rows, seats: seats)
            let primary = try await cluster.primary(serving: HashSlot(key: "{\(showtime.id)}"))
            if found[primary] == nil { found[primary] = showtime }
        }
        return primaries.compactMap { found[$0] }
    }
}

/// User names no other test of this run uses.
public enum TestUsers {
    private static let next = Atomic<Int>(0)

    public static func unique(_ prefix: String = "user") -> String {
        "\(prefix)-\(next.add(1, ordering: .relaxed).newValue)-\(UInt16.random(in: .min ... .max))"
    }
}
