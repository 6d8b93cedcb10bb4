import Foundation
import SeatLocking
import Synchronization

/// The showtimes a run plays on: `slots` at once, each a copy of one layout under ids of
/// the benchmark's own. When a performance is nearly sold out its slot moves on to a
/// fresh id (the next performance), so long runs keep finding seats.
final class ShowtimePool: Sendable {
    let layout: SeatLayout
    let catalog: Catalog
    let slots: Int
    private let base: Int
    private let generations: Int
    private let current: Mutex<[Int]>
    /// The showtimes of a server's catalog, when the run goes through its HTTP API: they
    /// are played as they are, with no next performance.
    private let fixed: [Int]?

    init(template: Showtime, slots: Int, generations: Int = 1000) {
        self.slots = slots
        self.generations = generations
        layout = template.layout
        base = 100_000_000 + Int.random(in: 0..<1000) * 1_000_000
        probeID = base + slots * generations
        var showtimes: [Showtime] = []
        showtimes.reserveCapacity(slots * generations + 1)
        for index in 0...(slots * generations) {
            showtimes.append(Showtime(
                id: base + index, title: "\(template.title) (load test)", auditorium: template.auditorium,
                startsAt: template.startsAt, layout: template.layout))
        }
        catalog = Catalog(showtimes: showtimes)
        current = Mutex(Array(0..<slots))
        fixed = nil
    }

    /// Plays on these showtimes as they are (they share one layout).
    init(fixed showtimes: [Showtime]) {
        slots = showtimes.count
        generations = 1
        layout = showtimes[0].layout
        base = 0
        probeID = -1
        catalog = Catalog(showtimes: showtimes)
        current = Mutex(Array(0..<showtimes.count))
        fixed = showtimes.map(\.id)
    }

    /// A showtime beyond every generation, for measuring memory per held seat.
    let probeID: Int

    /// The id now playing in a slot.
    func showtime(slot: Int) -> Int { fixed?[slot] ?? base + current.withLock { $0[slot] } }

    /// Moves the slot on from `id` (once, however many users notice the sell-out).
    func advance(slot: Int, from id: Int) {
        guard fixed == nil else { return }
        current.withLock { current in
            let index = id - base
            if current[slot] == index, index + slots < slots * generations { current[slot] = index + slots }
        }
    }

    /// Every id played so far.
    var usedIDs: [Int] {
        if let fixed { return fixed }
        let last = current.withLock { $0 }
        return (0..<slots).flatMap { slot in stride(from: slot, through: last[slot], by: slots).map { base + $0 } }
    }
}
