import CinebookModel

/// How often each seat was picked, for the popularity view (key `p`): the hall as a heat
/// map in five levels, from never picked to among the most picked. A pick is a hold: those
/// that ended, from the showtime's history, and those live now.
public struct SeatPopularity: Sendable, Hashable {
    /// Picks by seat code.
    public let picks: [SeatCode: Int]
    /// Bookings by seat code.
    public let bookings: [SeatCode: Int]
    /// The most picks of any seat.
    public let most: Int

    /// The levels above "never": picks are spread over these in equal shares of `most`.
    public static let levels = 4

    /// The history's figures, and one pick more for each seat `held` now.
    public init(_ stats: ShowtimeStats, held: some Sequence<SeatCode>) {
        var picks = stats.seats.mapValues(\.held)
        for code in held { picks[code, default: 0] += 1 }
        self.picks = picks
        bookings = stats.seats.mapValues(\.booked)
        most = picks.values.max() ?? 0
    }

    /// 0 for a seat never picked, else 1 to `levels`: the share of `most` its picks reach.
    public func level(of code: SeatCode) -> Int {
        let count = picks[code] ?? 0
        guard count > 0, most > 0 else { return 0 }
        return (count * Self.levels + most - 1) / most
    }

    /// The pick counts a level stands for (nil for a level no count reaches); level 0 is 0.
    public func range(of level: Int) -> ClosedRange<Int>? {
        guard level > 0 else { return 0...0 }
        let lowest = (level - 1) * most / Self.levels + 1
        let highest = level * most / Self.levels
        return lowest <= highest ? lowest...highest : nil
    }
}
