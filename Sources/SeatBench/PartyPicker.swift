import CinebookModel
import SeatLocking
import SeatRecords

/// Chooses seats the way moviegoers do: a party of one to six, side by side in one row,
/// near a preferred spot; a share of them all aim at the same best seats of the house.
struct PartyPicker: Sendable {
    let layout: SeatLayout
    let hotspot: Double
    let maximumParty: Int
    /// Stretches of seats with no gap, row by row.
    private let runs: [[Seat]]
    private let hotRuns: [[Seat]]

    init(layout: SeatLayout, hotspot: Double, maximumParty: Int) {
        self.layout = layout
        self.hotspot = hotspot
        self.maximumParty = max(1, maximumParty)
        var runs: [[Seat]] = []
        for row in layout.rows {
            var current: [Seat] = []
            for cell in row.cells {
                if let seat = cell { current.append(seat) } else if !current.isEmpty { runs.append(current); current = [] }
            }
            if !current.isEmpty { runs.append(current) }
        }
        self.runs = runs
        // The best view: rows about two thirds back, the widest stretch of each.
        let best = Int((Double(layout.rows.count - 1) * 2 / 3).rounded())
        let hotRows = Set([best - 1, best, best + 1].filter { (0..<layout.rows.count).contains($0) })
        hotRuns = hotRows.compactMap { row in runs.filter { $0[0].rowIndex == row }.max { $0.count < $1.count } }
    }

    /// Party sizes weighted like real bookings: mostly pairs.
    func partySize<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        let weights = [10, 35, 20, 20, 8, 7].prefix(maximumParty)
        var pick = Int.random(in: 0..<weights.reduce(0, +), using: &generator)
        for (index, weight) in weights.enumerated() {
            if pick < weight { return index + 1 }
            pick -= weight
        }
        return 1
    }

    /// `count` adjacent seats around the preferred spot (fewer if the stretch is shorter).
    func pick<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> [SeatCode] {
        let run: [Seat]
        let centre: Int
        if !hotRuns.isEmpty, Double.random(in: 0..<1, using: &generator) < hotspot {
            run = hotRuns.randomElement(using: &generator)!
            centre = run.count / 2 + Int.random(in: -2...2, using: &generator)
        } else {
            run = runs.randomElement(using: &generator)!
            centre = Int.random(in: 0..<run.count, using: &generator)
        }
        let size = min(count, run.count)
        let start = min(max(0, centre - size / 2), run.count - size)
        return run[start..<(start + size)].map(\.code)
    }
}
