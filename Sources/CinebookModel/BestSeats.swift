
/// What a party asks for: how many seats, and optionally where, of which category, and
/// whether one of them must be a wheelchair place.
public struct SeatWish: Sendable, Hashable {
    public var count: Int
    /// Seats to be near (a conflict's wanted seats); empty means "the best view".
    public var near: [Seat]
    /// The category to sit in; nil means the categories of `near`, or standard.
    public var category: SeatCategory?
    /// At least one seat of the set is a wheelchair place.
    public var wheelchair: Bool

    public init(count: Int, near: [Seat] = [], category: SeatCategory? = nil, wheelchair: Bool = false) {
        self.count = count
        self.near = near
        self.category = category
        self.wheelchair = wheelchair
    }
}

/// One ranked answer: exactly `count` seats, and the score that ranked it (lower is better).
public struct SeatOffer: Sendable, Hashable {
    public let seats: [Seat]
    public let score: Double

    public var codes: [SeatCode] { seats.map(\.code) }
}

/// The best-available engine: ranked sets of free seats for a party, on one layout with
/// one set of unavailable seats.
///
/// Rules, in order:
/// 1. Every offer has exactly `count` free seats of the allowed categories. Wheelchair
///    places only when the wish asks for one (and then at least one is in the set);
///    premium seats only when the wish is for premium (or near a premium seat).
/// 2. No offer leaves a single free seat between itself and a taken seat, an aisle or the
///    end of the row (an orphan nobody can sell).
/// 3. The party sits together in one row, between two aisles. Only when no such block
///    exists anywhere does it split: into adjacent rows straight behind each other
///    (the same columns), or across an aisle in one row.
/// 4. Ranking (the score, lower is better):
///    - without `near`, the view: `h + v`, where `h` is the distance of the set's centre
///      from the centre column, as a share of half the width (0 centre, 1 wall), and `v`
///      the distance of its row from the row two thirds back from the screen, as a share
///      of the depth of the house (0 ideal, 1 the whole depth away);
///    - with `near`, the distance between the centres of the offer and of the wanted
///      seats, a row counting as two seats sideways, and the view only breaks ties;
///    - a split set adds 1 per extra row or aisle crossed, after rule 3.
/// 5. Offers never share a seat, so the second is still there when the first is gone.
/// 6. Seats to `avoid` (free, but someone else is choosing them) are left out while any
///    offer can do without them; they are free, so when none can, they are offered.
public struct BestSeats: Sendable {
    public let layout: SeatLayout
    private let taken: Set<SeatCode>
    private let avoided: Set<SeatCode>

    public init(layout: SeatLayout, unavailable: Set<SeatCode>, avoiding: Set<SeatCode> = []) {
        self.layout = layout
        self.taken = unavailable
        avoided = avoiding.subtracting(unavailable)
    }

    /// The engine for a map as a viewer sees it: their own and others' holds and the sold
    /// seats taken, the seats others are choosing avoided.
    public init(_ status: ShowtimeStatus) {
        self.init(
            layout: status.showtime.layout, unavailable: Set(status.seats.filter { !$0.state.isFree }.map(\.seat.code)),
            avoiding: Set(status.seats(in: .choosing).map(\.seat.code)))
    }

    /// Up to `limit` offers, best first; none when no set keeps the rules.
    public func offers(for wish: SeatWish, limit: Int = 3) -> [SeatOffer] {
        if !avoided.isEmpty {
            let around = BestSeats(layout: layout, unavailable: taken.union(avoided)).offers(for: wish, limit: limit)
            if !around.isEmpty { return around }
        }
        guard wish.count > 0, limit > 0 else { return [] }
        let grid = Grid(layout: layout, taken: taken, allowed: allowedCategories(for: wish))
        let ranking = Ranking(layout: layout, near: wish.near)
        let needsWheelchair = wish.wheelchair || wish.category == .wheelchair || wish.near.contains { $0.category == .wheelchair }
        let accept: ([Seat]) -> Bool = { seats in !needsWheelchair || seats.contains { $0.category == .wheelchair } }
        var candidates = grid.rowBlocks(count: wish.count, accept: accept)
        if candidates.isEmpty {
            candidates = grid.stackedBlocks(count: wish.count, accept: accept) + grid.blocksAcrossAisles(count: wish.count, accept: accept)
        }
        let ranked = candidates
            .map { SeatOffer(seats: $0.seats, score: ranking.score($0.seats) + Double($0.splits)) }
            .sorted { ($0.score, $0.seats[0].rowIndex, $0.seats[0].column) < ($1.score, $1.seats[0].rowIndex, $1.seats[0].column) }
        var chosen: [SeatOffer] = []
        var used = Set<SeatCode>()
        for offer in ranked where chosen.count < limit {
            guard offer.seats.allSatisfy({ !used.contains($0.code) }) else { continue }
            chosen.append(offer)
            used.formUnion(offer.codes)
        }
        return chosen
    }

    private func allowedCategories(for wish: SeatWish) -> Set<SeatCategory> {
        var allowed: Set<SeatCategory>
        switch wish.category {
        case .premium?: allowed = [.premium]
        case .standard?, .wheelchair?: allowed = [.standard]
        case nil: allowed = Set(wish.near.map(\.category)).union([.standard])
        }
        if wish.wheelchair || wish.category == .wheelchair { allowed.insert(.wheelchair) }
        return allowed
    }
}

/// Whether a set of seats leaves a single free seat stranded beside it, for people who
/// pick seats by hand: the seats of `picked` (already counted as taken in `unavailable`
/// or not) that have an orphan next to them, with the orphan.
public func orphanedSeats(by picked: [Seat], in layout: SeatLayout, unavailable: Set<SeatCode>) -> [Seat] {
    let takenNow = unavailable.union(picked.map(\.code))
    let grid = Grid(layout: layout, taken: takenNow, allowed: Set(SeatCategory.allCases))
    var orphans: [Seat] = []
    for seat in picked {
        for side in [-1, 1] {
            if let orphan = grid.orphan(besideColumn: seat.column, row: seat.rowIndex, side: side), !orphans.contains(orphan) {
                orphans.append(orphan)
            }
        }
    }
    return orphans
}

/// A candidate set with the number of splits (extra rows or aisles) it needed.
private struct Candidate {
    let seats: [Seat]
    let splits: Int
}

/// The layout as a grid of cell states for one search.
private struct Grid {
    /// A free wheelchair place is `free` or `eligible` like any seat, but it is never an
    /// orphan: it is sold on its own, with the seat beside it as the companion's.
    private enum Cell { case none, taken, free, eligible }
    private let layout: SeatLayout
    private let cells: [[Cell]]

    init(layout: SeatLayout, taken: Set<SeatCode>, allowed: Set<SeatCategory>) {
        self.layout = layout
        cells = layout.rows.map { row in
            row.cells.map { cell in
                guard let seat = cell else { return .none }
                if taken.contains(seat.code) { return .taken }
                return allowed.contains(seat.category) ? .eligible : .free
            }
        }
    }

    private func cell(_ row: Int, _ column: Int) -> Cell {
        guard cells.indices.contains(row), cells[row].indices.contains(column) else { return .none }
        return cells[row][column]
    }

    private func seat(_ row: Int, _ column: Int) -> Seat? { layout.rows[row].cells[column] }

    /// The free seat on `side` (-1 left, +1 right) of a taken stretch ending at `column`,
    /// if it is alone: the cell after it is taken, an aisle or the end of the row.
    func orphan(besideColumn column: Int, row: Int, side: Int) -> Seat? {
        let next = cell(row, column + side)
        guard next == .free || next == .eligible, let seat = seat(row, column + side), seat.category != .wheelchair else { return nil }
        let beyond = cell(row, column + 2 * side)
        guard beyond == .taken || beyond == .none else { return nil }
        return seat
    }

    /// Whether the stretch `columns` of a row, taken, would strand a seat on either side.
    private func strands(row: Int, columns: Range<Int>) -> Bool {
        orphan(besideColumn: columns.lowerBound, row: row, side: -1) != nil
            || orphan(besideColumn: columns.upperBound - 1, row: row, side: 1) != nil
    }

    /// Whether every cell of the stretch is a free seat the party may have.
    private func isOpen(row: Int, columns: Range<Int>) -> Bool {
        columns.allSatisfy { cell(row, $0) == .eligible }
    }

    /// Blocks of `count` eligible seats side by side in one row, keeping the orphan rule.
    func rowBlocks(count: Int, accept: ([Seat]) -> Bool) -> [Candidate] {
        var found: [Candidate] = []
        for row in cells.indices where cells[row].count >= count {
            for start in 0...(cells[row].count - count) {
                let columns = start..<(start + count)
                guard isOpen(row: row, columns: columns), !strands(row: row, columns: columns) else { continue }
                let seats = columns.compactMap { seat(row, $0) }
                if accept(seats) { found.append(Candidate(seats: seats, splits: 0)) }
            }
        }
        return found
    }

    /// The party split over `k` adjacent rows, each part on the same columns as the part
    /// in front of it (the first `count % k` parts one seat wider), fewest rows first.
    func stackedBlocks(count: Int, accept: ([Seat]) -> Bool) -> [Candidate] {
        guard count > 1, cells.count > 1 else { return [] }
        var found: [Candidate] = []
        for parts in 2...min(count, cells.count) {
            let narrow = count / parts
            let wide = count % parts
            for firstRow in 0...(cells.count - parts) {
                let width = cells[firstRow..<(firstRow + parts)].map(\.count).max() ?? 0
                for start in 0..<width {
                    var seats: [Seat] = []
                    var fits = true
                    for part in 0..<parts where fits {
                        let row = firstRow + part
                        let columns = start..<(start + narrow + (part < wide ? 1 : 0))
                        fits = isOpen(row: row, columns: columns) && !strands(row: row, columns: columns)
                        if fits { seats += columns.compactMap { seat(row, $0) } }
                    }
                    if fits, accept(seats) { found.append(Candidate(seats: seats, splits: parts - 1)) }
                }
            }
            if !found.isEmpty { break }
        }
        return found
    }

    /// `count` eligible seats in a row next to each other but for aisle gaps, crossing at
    /// least one aisle.
    func blocksAcrossAisles(count: Int, accept: ([Seat]) -> Bool) -> [Candidate] {
        var found: [Candidate] = []
        for row in cells.indices {
            let seatColumns = cells[row].indices.filter { cells[row][$0] != .none }
            guard seatColumns.count >= count else { continue }
            for start in 0...(seatColumns.count - count) {
                let chosen = Array(seatColumns[start..<(start + count)])
                let aisles = zip(chosen, chosen.dropFirst()).filter { $1 - $0 > 1 }.count
                guard aisles > 0, chosen.allSatisfy({ cells[row][$0] == .eligible }),
                      orphan(besideColumn: chosen[0], row: row, side: -1) == nil,
                      orphan(besideColumn: chosen[count - 1], row: row, side: 1) == nil
                else { continue }
                let seats = chosen.compactMap { seat(row, $0) }
                if accept(seats) { found.append(Candidate(seats: seats, splits: aisles)) }
            }
        }
        return found
    }
}

/// The score of a set: the view, or the distance from the seats asked for.
private struct Ranking {
    let centreColumn: Double
    let halfWidth: Double
    let idealRow: Double
    let depth: Double
    let near: (row: Double, column: Double)?

    init(layout: SeatLayout, near: [Seat]) {
        centreColumn = Double(layout.width - 1) / 2
        halfWidth = max(1, Double(layout.width) / 2)
        idealRow = Double(layout.rows.count - 1) * 2 / 3
        depth = max(1, Double(layout.rows.count - 1))
        self.near = near.isEmpty ? nil : Self.centre(of: near)
    }

    func score(_ seats: [Seat]) -> Double {
        let centre = Self.centre(of: seats)
        let view = abs(centre.column - centreColumn) / halfWidth + abs(centre.row - idealRow) / depth
        guard let near else { return view }
        return 2 * abs(centre.row - near.row) + abs(centre.column - near.column) + view / 100
    }

    private static func centre(of seats: [Seat]) -> (row: Double, column: Double) {
        let count = Double(max(seats.count, 1))
        return (Double(seats.map(\.rowIndex).reduce(0, +)) / count, Double(seats.map(\.column).reduce(0, +)) / count)
    }
}

/// The best available seats of a showtime, from its live status.
public struct BestAvailable: Sendable, Hashable {
    public let showtimeID: Int
    public let wish: SeatWish
    public let offers: [SeatOffer]

    package init(showtimeID: Int, wish: SeatWish, offers: [SeatOffer]) {
        self.showtimeID = showtimeID
        self.wish = wish
        self.offers = offers
    }
}
