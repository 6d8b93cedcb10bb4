import Foundation

/// What an on-sale rush measured, one play per set of mechanisms, for people (`text`)
/// and programs (`Codable`).
public struct RushReport: Sendable, Codable {
    public struct Play: Sendable, Codable {
        public let mechanisms: RushMechanisms
        /// Seats in the people's clicks.
        public let seatsAsked: Int
        /// Seats of clicks refused because they were taken: lost races.
        public let seatsFoundTaken: Int
        /// `seatsFoundTaken / seatsAsked`.
        public let conflictRate: Double
        /// Seats held other than the ones clicked, in the same click (the nearest block).
        public let seatsSubstituted: Int
        public let peopleWithSeats: Int
        public let peopleWithoutSeats: Int
        /// People who left with nothing while a block for their party was still free.
        public let leftWhileSeatsWereFree: Int
        /// From arrival to a hold, of those who got one.
        public let holdP50Seconds: Double?
        public let holdP99Seconds: Double?
        /// People who got a hold before someone who arrived earlier got theirs (or got none);
        /// with the waiting room, people let in before someone who reached the room earlier
        /// and was still waiting (the pre-queue, drawn at random, counts as arriving together).
        public let servedBeforeAnEarlierArrival: Int
        /// With the waiting room: people who came before sales opened and were drawn into an order.
        public let drawn: Int?
        /// With the waiting room: people who got nothing and were not told so within 1 s
        /// of the last seat being held, or of their joining when they came later (or never).
        public let toldLate: Int?
        /// Through a server: the 99th percentile of its `/health` answers during the play.
        public let healthP99Milliseconds: Double?
        public let tries: Int
        public let bookings: Int
        public let seatsLeft: Int
        public let errors: Int
        public let lastError: String?
        public let violations: [String]

        init(mechanisms: RushMechanisms, outcomes: [Moviegoer.Outcome], seatsLeft: Int, health: LatencySummary?, violations: [String]) {
            self.mechanisms = mechanisms
            seatsAsked = outcomes.reduce(0) { $0 + $1.seatsAsked }
            seatsFoundTaken = outcomes.reduce(0) { $0 + $1.seatsFoundTaken }
            conflictRate = seatsAsked == 0 ? 0 : Double(seatsFoundTaken) / Double(seatsAsked)
            seatsSubstituted = outcomes.reduce(0) { $0 + $1.seatsSubstituted }
            let holds = outcomes.compactMap { outcome in outcome.heldAt.map { ($0 - outcome.traits.arrival).seconds } }.sorted()
            peopleWithSeats = holds.count
            peopleWithoutSeats = outcomes.count - holds.count
            leftWhileSeatsWereFree = outcomes.filter(\.leftWhileSeatsWereFree).count
            holdP50Seconds = holds.isEmpty ? nil : holds[holds.count / 2]
            holdP99Seconds = holds.isEmpty ? nil : holds[min(holds.count - 1, holds.count * 99 / 100)]
            servedBeforeAnEarlierArrival = mechanisms.room ? RushReport.admittedOutOfOrder(outcomes) : Self.overtakers(outcomes)
            drawn = mechanisms.room ? outcomes.filter(\.drawn).count : nil
            let lastHeld = outcomes.compactMap(\.heldAt).max() ?? .zero
            toldLate = mechanisms.room ? outcomes.filter { outcome in
                let due = max(lastHeld, outcome.joinAnsweredAt ?? outcome.traits.arrival) + .seconds(1)
                return outcome.heldAt == nil && (outcome.toldSoldOutAt.map { $0 > due } ?? true)
            }.count : nil
            healthP99Milliseconds = health?.p99Ms
            tries = outcomes.reduce(0) { $0 + $1.tries }
            bookings = outcomes.filter(\.booked).count
            self.seatsLeft = seatsLeft
            let errors = outcomes.flatMap(\.errors)
            self.errors = errors.count
            lastError = errors.last
            self.violations = violations
        }

        /// In order of arrival: a person is served before an earlier arrival when someone
        /// who came before them got their hold later, or got none.
        private static func overtakers(_ outcomes: [Moviegoer.Outcome]) -> Int {
            var latestEarlier = Duration.zero
            var count = 0
            for outcome in outcomes.sorted(by: { $0.traits.arrival < $1.traits.arrival }) {
                let held = outcome.heldAt ?? .seconds(Int64.max / 2)
                if outcome.heldAt != nil, held < latestEarlier { count += 1 }
                latestEarlier = max(latestEarlier, held)
            }
            return count
        }
    }

    /// With the waiting room: people let in before someone who reached the room earlier
    /// and was still waiting. One person reached the room before another when their join
    /// was answered before the other's was sent (joins in flight together reached it in an
    /// order nobody can tell); those who came before sales opened count as arriving
    /// together, their order drawn. Two ways to be let in too early: a place in line before
    /// an earlier arrival's, or a pass before that of someone ahead in line.
    fileprivate static func admittedOutOfOrder(_ outcomes: [Moviegoer.Outcome]) -> Int {
        let joined = outcomes.filter { $0.ticket != nil && $0.joinSentAt != nil && $0.joinAnsweredAt != nil }
        let admitted = joined.filter { $0.passExpiresAt != nil }
        let overtook = { (person: Moviegoer.Outcome) -> Bool in
            joined.contains { earlier in
                !(earlier.drawn && person.drawn) && earlier.joinAnsweredAt! < person.joinSentAt! && earlier.ticket! > person.ticket!
            }
        }
        let passedAhead = { (person: Moviegoer.Outcome) -> Bool in
            admitted.contains { ahead in ahead.ticket! < person.ticket! && ahead.passExpiresAt! > person.passExpiresAt! }
        }
        return admitted.filter { overtook($0) || passedAhead($0) }.count
    }

    public let target: String
    public let showtime: Int
    public let seats: Int
    public let arrivals: Int
    public let arrivalsOverSeconds: Double
    public let seed: UInt64
    public let plays: [Play]

    public var ok: Bool { plays.allSatisfy { $0.violations.isEmpty && $0.errors == 0 } }

    public var text: String {
        let headings = [
            "mechanisms", "seats asked", "found taken", "conflict rate", "substituted", "with seats", "without",
            "left while free", "hold p50 / p99", "served before an earlier arrival", "drawn", "told late", "/health p99",
        ]
        let rows = plays.map { play -> [String] in
            let hold = play.holdP50Seconds.map { String(format: "%.1f / %.1f s", $0, play.holdP99Seconds ?? 0) } ?? "—"
            let health = play.healthP99Milliseconds.map { String(format: "%.1f ms", $0) } ?? "—"
            let counts: [String] = [play.seatsAsked, play.seatsFoundTaken].map(String.init)
            let people: [String] = [play.seatsSubstituted, play.peopleWithSeats, play.peopleWithoutSeats, play.leftWhileSeatsWereFree].map(String.init)
            let room: [String] = [play.drawn, play.toldLate].map { $0.map(String.init) ?? "—" }
            return [play.mechanisms.description] + counts + [String(format: "%.1f %%", play.conflictRate * 100)] + people
                + [hold, String(play.servedBeforeAnEarlierArrival)] + room + [health]
        }
        let widths = headings.indices.map { column in ([headings] + rows).map { $0[column].count }.max() ?? 0 }
        let line = { (cells: [String]) -> String in
            zip(cells, widths).enumerated().map { index, cell in
                let gap = String(repeating: " ", count: cell.1 - cell.0.count)
                return index == 0 ? cell.0 + gap : gap + cell.0
            }.joined(separator: "   ")
        }
        var lines = [
            "Rush on showtime \(showtime) (\(seats) seats, through \(target)): \(arrivals) arrivals over \(Int(arrivalsOverSeconds)) s, seed \(seed)",
            "",
            line(headings),
        ] + rows.map(line)
        lines.append("")
        for play in plays {
            let verdict = play.violations.isEmpty ? "no seat sold twice, every booking in the database" : "VIOLATIONS: \(play.violations.joined(separator: "; "))"
            lines.append("\(play.mechanisms): \(play.bookings) bookings, \(play.seatsLeft) seats left, \(play.errors) errors\(play.lastError.map { " (last: \($0))" } ?? ""); \(verdict)")
        }
        return lines.joined(separator: "\n")
    }
}
