/// Finds free seats to offer instead of seats that were just taken: blocks of the same
/// size, side by side in one row (never across an aisle), as close as possible to the
/// seats asked for.
public enum SeatSuggester {
    /// Up to `limit` blocks of `count` free seats, nearest first, no two overlapping.
    /// Wheelchair places are offered only when one was asked for, premium seats only
    /// when a premium seat was.
    public static func suggest(
        count: Int,
        near requested: [Seat],
        in layout: SeatLayout,
        unavailable: Set<String>,
        limit: Int = 3
    ) -> [[Seat]] {
        guard count > 0, limit > 0 else { return [] }
        let allowed = allowedCategories(for: requested)
        let target = center(of: requested.isEmpty ? layout.seats : requested)
        var candidates: [(distance: Double, seats: [Seat])] = []
        for row in layout.rows {
            for run in freeRuns(in: row, unavailable: unavailable, allowed: allowed) where run.count >= count {
                for start in 0...(run.count - count) {
                    let block = Array(run[start..<(start + count)])
                    candidates.append((distance(from: target, to: center(of: block)), block))
                }
            }
        }
        candidates.sort { ($0.distance, $0.seats[0].rowIndex, $0.seats[0].column) < ($1.distance, $1.seats[0].rowIndex, $1.seats[0].column) }
        var chosen: [[Seat]] = []
        var used = Set<String>()
        for candidate in candidates where chosen.count < limit {
            guard candidate.seats.allSatisfy({ !used.contains($0.code) }) else { continue }
            chosen.append(candidate.seats)
            used.formUnion(candidate.seats.map(\.code))
        }
        return chosen
    }

    private static func allowedCategories(for requested: [Seat]) -> Set<SeatCategory> {
        Set(requested.map(\.category)).union([.standard])
    }

    /// Maximal stretches of free, allowed seats with no gap between them.
    private static func freeRuns(in row: SeatLayout.Row, unavailable: Set<String>, allowed: Set<SeatCategory>) -> [[Seat]] {
        var runs: [[Seat]] = []
        var current: [Seat] = []
        for cell in row.cells {
            if let seat = cell, !unavailable.contains(seat.code), allowed.contains(seat.category) {
                current.append(seat)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private static func center(of seats: [Seat]) -> (row: Double, column: Double) {
        let count = Double(max(seats.count, 1))
        return (Double(seats.map(\.rowIndex).reduce(0, +)) / count, Double(seats.map(\.column).reduce(0, +)) / count)
    }

    /// A row away counts as much as two seats sideways: moving rows changes the view more.
    private static func distance(from a: (row: Double, column: Double), to b: (row: Double, column: Double)) -> Double {
        2 * abs(a.row - b.row) + abs(a.column - b.column)
    }
}
