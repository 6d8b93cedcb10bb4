import CinebookModel
import Foundation
import SeatLocking
import Synchronization

/// The showtimes a run plays on: `slots` at once, each a copy of one layout under ids of
/// the benchmark's own. When a performance is nearly sold out its slot moves on to a
/// fresh id (the next performance), so long runs keep finding seats. A performance left
/// behind is finished once the last visit that started on it ends: nobody can touch it
/// again, so it can be audited and removed, and a run of any length stays flat in memory.
final class ShowtimePool: Sendable {
    private struct Playing {
        var current: [Int]
        /// Visits under way, per showtime id.
        var visits: [Int: Int] = [:]
        /// Ids left behind whose visits have not all ended yet.
        var leftBehind: Set<Int> = []
        /// Ids whose first visit has begun.
        var opened: Set<Int> = []
    }

    let layout: SeatLayout
    let catalog: Catalog
    let slots: Int
    private let base: Int
    private let generations: Int
    private let playing: Mutex<Playing>
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
        playing = Mutex(Playing(current: Array(0..<slots)))
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
        playing = Mutex(Playing(current: Array(0..<showtimes.count)))
        fixed = showtimes.map(\.id)
    }

    /// A showtime beyond every generation, for measuring memory per held seat.
    let probeID: Int

    /// Starts a visit to the showtime now playing in a slot; `leave` ends it.
    func enter(slot: Int) -> Int {
        guard fixed == nil else { return fixed![slot] }
        return playing.withLock { playing in
            let id = base + playing.current[slot]
            playing.visits[id, default: 0] += 1
            return id
        }
    }

    /// True for the first visit of a performance only: its opening, before anyone else's.
    func opens(_ id: Int) -> Bool {
        guard fixed == nil else { return false }
        return playing.withLock { $0.opened.insert(id).inserted }
    }

    /// Ends a visit; returns the id when it was the last visit of a showtime left behind,
    /// which the caller then finishes.
    func leave(_ id: Int) -> Int? {
        guard fixed == nil else { return nil }
        return playing.withLock { playing in
            let remaining = playing.visits[id, default: 1] - 1
            playing.visits[id] = remaining == 0 ? nil : remaining
            guard remaining == 0, playing.leftBehind.remove(id) != nil else { return nil }
            playing.opened.remove(id)
            return id
        }
    }

    /// Moves the slot on from `id` (once, however many users notice the sell-out).
    func advance(slot: Int, from id: Int) {
        guard fixed == nil else { return }
        playing.withLock { playing in
            let index = id - base
            if playing.current[slot] == index, index + slots < slots * generations {
                playing.current[slot] = index + slots
                playing.leftBehind.insert(id)
            }
        }
    }

    /// Ids played and not finished yet: those still playing and those left behind.
    var unfinishedIDs: [Int] {
        if let fixed { return fixed }
        return playing.withLock { playing in playing.current.map { base + $0 } + playing.leftBehind.sorted() }
    }
}
