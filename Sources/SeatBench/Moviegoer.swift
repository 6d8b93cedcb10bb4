import CinebookModel
import Foundation

/// One person of an on-sale rush, as people behave: they arrive, look at the live map for
/// a while, pick the best free block they see for their party (with a little taste of
/// their own) and click after a moment. On a conflict they take the first suggestion;
/// after four lost tries they leave. Whoever gets seats books them.
struct Moviegoer: Sendable {
    /// What is fixed about a person before the rush begins, drawn from the run's seed, so
    /// that the same crowd can be played with each mechanism on and off.
    struct Traits: Sendable {
        let name: String
        /// Since the rush began.
        let arrival: Duration
        let party: Int
        /// How long they study the map before the first click.
        let looking: Duration
        /// From seeing a block to clicking it.
        let reaction: Duration
        /// 0 takes the best block seen, 1 the second, 2 the third.
        let taste: Int
        /// Wants premium seats first (standard ones when none are left); the others take
        /// premium ones only when no standard block is left.
        let premium: Bool
        /// Comes with a wheelchair: their block must hold a wheelchair space, and nothing
        /// else will do.
        let wheelchair: Bool

        static func crowd(of count: Int, over span: Duration, seed: UInt64) -> [Traits] {
            var random = SeededRandom(seed: seed)
            // A stream of its own, so that the other traits of a seed's crowd stay as they were.
            var tastes = SeededRandom(seed: seed ^ 0x5EED_0F_9A11)
            var needs = SeededRandom(seed: seed ^ 0xAC_CE55)
            return (0..<count).map { index in
                Traits(
                    name: "rush-\(seed)-\(index)",
                    arrival: .milliseconds(Int64(Double.random(in: 0..<1, using: &random) * span.seconds * 1000)),
                    party: Self.partySize(using: &random),
                    // Log-normal with a median of 2 s: most glance, a few study the map.
                    looking: .milliseconds(Int64(2000 * exp(0.6 * random.normal()))),
                    reaction: .milliseconds(Int64(max(200, 500 + 100 * random.normal()))),
                    taste: Self.taste(using: &random),
                    premium: Double.random(in: 0..<1, using: &tastes) < 0.15,
                    wheelchair: Double.random(in: 0..<1, using: &needs) < 1.0 / 30)
            }
        }

        /// 1–4, mostly pairs.
        private static func partySize(using random: inout SeededRandom) -> Int {
            let draw = Double.random(in: 0..<1, using: &random)
            return draw < 0.15 ? 1 : draw < 0.70 ? 2 : draw < 0.82 ? 3 : 4
        }

        private static func taste(using random: inout SeededRandom) -> Int {
            let draw = Double.random(in: 0..<1, using: &random)
            return draw < 0.6 ? 0 : draw < 0.85 ? 1 : 2
        }
    }

    /// How one person's rush went.
    struct Outcome: Sendable {
        let traits: Traits
        /// Since the rush began, when their seats were held; nil when they got none.
        var heldAt: Duration?
        var seatsAsked = 0
        /// Seats of their clicks that were refused as taken.
        var seatsFoundTaken = 0
        /// Seats held other than the ones clicked (the nearest block, in the same click).
        var seatsSubstituted = 0
        var tries = 0
        var booked = false
        /// They left with nothing while a block for their party was still free.
        var leftWhileSeatsWereFree = false
        /// With the waiting room: their place in line, their pass's expiry (every pass lasts
        /// as long, so these order the admissions), whether they came before sales opened
        /// (and were drawn into the line), and when they were first told the seats were as
        /// good as gone.
        var ticket: Int?
        /// Since the rush began, when their join left and when its answer came: one person
        /// reached the room before another only if their join was answered before the
        /// other's was sent.
        var joinSentAt: Duration?
        var joinAnsweredAt: Duration?
        var passExpiresAt: Date?
        var drawn = false
        var toldSoldOutAt: Duration?
        var errors: [String] = []
    }

    let traits: Traits
    let operations: any SeatOperations
    let showtime: Showtime
    let mechanisms: RushMechanisms
    let ledger: GrantLedger
    static let maximumTries = 4
    /// Looks again, while every free block is being chosen by others, before giving up.
    static let patience = 5
    static let watching = Duration.seconds(2)
    /// How often a live map shows a person what changed, as far as their eye goes.
    static let glance = Duration.milliseconds(500)

    /// Plays the person from the rush's start `began`.
    func run(began: ContinuousClock.Instant) async -> Outcome {
        var outcome = Outcome(traits: traits)
        try? await Task.sleep(until: began + traits.arrival, clock: .continuous)
        do throws(SeatLockingError) {
            var pass: String?
            if mechanisms.room {
                guard let admission = try await waitTheirTurn(&outcome, began: began) else { return outcome }
                pass = admission.isEmpty ? nil : admission
            }
            // While they study the map, the block they consider shows to others as being chosen.
            if mechanisms.presence, let considered = choose(in: try await look()) {
                _ = try await operations.markChoosing(considered, showtime: showtime.id, user: traits.name)
            }
            var seen = try await watch(for: traits.looking)
            var next: [SeatCode]? = nil
            var patience = Self.patience
            while outcome.tries < Self.maximumTries {
                if next == nil {
                    next = choose(in: seen)
                    // Every block left is being chosen by someone: watch a little longer, as
                    // people do, for one of them to come free again.
                    if next == nil, patience > 0, choose(in: seen, avoidingChosen: false) != nil {
                        patience -= 1
                        seen = try await watch(for: Self.watching)
                        continue
                    }
                }
                guard let block = next else { break }
                if mechanisms.presence { _ = try await operations.markChoosing(block, showtime: showtime.id, user: traits.name) }
                try? await Task.sleep(for: traits.reaction)
                outcome.tries += 1
                outcome.seatsAsked += block.count
                do throws(SeatLockingError) {
                    let grant = try await operations.lock(
                        block, showtime: showtime.id, user: traits.name, ttl: nil, orNearest: mechanisms.oneClick, pass: pass)
                    pass = nil
                    ledger.held(grant)
                    outcome.heldAt = ContinuousClock.now - began
                    outcome.seatsSubstituted = grant.replacing.isEmpty ? 0 : grant.seats.count
                    let booking = try await operations.book(grant.seats.map(\.code), showtime: showtime.id, user: traits.name)
                    ledger.booked(booking)
                    outcome.booked = true
                    return outcome
                } catch .seatsUnavailable(let taken, let suggestions) {
                    pass = nil
                    outcome.seatsFoundTaken += taken.count
                    next = suggestions.first
                    if next == nil { seen = try await look() }
                }
            }
            // The map they saw told them there was nothing for them. Giving up, they leave
            // the room too, so that the next in line comes in at once.
            outcome.toldSoldOutAt = ContinuousClock.now - began
            if mechanisms.presence { _ = try await operations.markChoosing([], showtime: showtime.id, user: traits.name) }
            if mechanisms.room { _ = try await operations.leaveRoom(showtime: showtime.id, user: traits.name) }
            outcome.leftWhileSeatsWereFree = choose(in: try await look(), taste: 0, avoidingChosen: false) != nil
        } catch {
            outcome.errors.append(error.message)
        }
        return outcome
    }

    /// Joins the waiting room and waits, asking again when it says to; the pass once it is
    /// their turn ("" with no room on), or nil when they were told the seats are as good as
    /// gone and left, as most people do.
    private func waitTheirTurn(_ outcome: inout Outcome, began: ContinuousClock.Instant) async throws(SeatLockingError) -> String? {
        outcome.joinSentAt = ContinuousClock.now - began
        var standing = try await operations.joinRoom(showtime: showtime.id, user: traits.name)
        outcome.joinAnsweredAt = ContinuousClock.now - began
        outcome.drawn = standing.phase == .preQueue
        while true {
            outcome.ticket = standing.ticket ?? outcome.ticket
            switch standing.phase {
            case .open, .choosing:
                return ""
            case .admitted:
                outcome.passExpiresAt = standing.pass?.expiresAt
                return standing.pass?.text ?? ""
            case .preQueue, .waiting, .outside:
                if standing.likelySoldOut {
                    outcome.toldSoldOutAt = ContinuousClock.now - began
                    _ = try await operations.leaveRoom(showtime: showtime.id, user: traits.name)
                    return nil
                }
                try? await Task.sleep(for: standing.askAgainIn)
                standing = standing.phase == .outside
                    ? try await operations.joinRoom(showtime: showtime.id, user: traits.name)
                    : try await operations.roomStanding(showtime: showtime.id, user: traits.name)
            }
        }
    }

    /// Watches the live map for `duration`, as a person sees it change under their eyes
    /// (a glance every half second), and stops as soon as nothing is left for them. The
    /// map as last seen.
    private func watch(for duration: Duration) async throws(SeatLockingError) -> ShowtimeStatus {
        let until = ContinuousClock.now + duration
        var seen = try await look()
        var somethingLeft = anythingLeft(in: seen)
        while somethingLeft, ContinuousClock.now < until {
            try? await Task.sleep(for: min(Self.glance, max(.zero, until - .now)))
            if case let .changed(status) = try await operations.status(showtime: showtime.id, viewer: traits.name, ifChangedSince: seen.revision) {
                seen = status
                somethingLeft = anythingLeft(in: seen)
            }
        }
        return seen
    }

    /// Whether the map still has a block for this person: plainly so while many seats they
    /// would take are free (a glance, not a search), else as `choose` finds.
    private func anythingLeft(in status: ShowtimeStatus) -> Bool {
        let wanted: Set<SeatCategory> = traits.wheelchair ? [.wheelchair] : [.standard, .premium]
        let free = status.seats.filter { $0.state.isFree && wanted.contains($0.seat.category) }.count
        if free < (traits.wheelchair ? 1 : traits.party) { return false }
        if !traits.wheelchair, free > max(4 * traits.party, 40) { return true }
        return choose(in: status, avoidingChosen: false) != nil
    }

    /// The live map as this person sees it.
    private func look() async throws(SeatLockingError) -> ShowtimeStatus {
        try await operations.status(showtime: showtime.id, viewer: traits.name)
    }

    /// The block this person picks from the map they see: the best few for their party,
    /// their taste choosing among them; seats others are choosing they leave alone.
    private func choose(in status: ShowtimeStatus, taste: Int? = nil, avoidingChosen: Bool = true) -> [SeatCode]? {
        let taken = Set(status.seats.filter { !$0.state.isFree || (avoidingChosen && $0.state == .choosing) }.map(\.seat.code))
        let best = BestSeats(layout: showtime.layout, unavailable: taken)
        let wishes: [SeatWish] = traits.wheelchair
            ? [SeatWish(count: traits.party, wheelchair: true)]
            : (traits.premium ? [.premium, nil] : [nil, .premium]).map { SeatWish(count: traits.party, category: $0) }
        guard let offers = wishes.lazy.map({ best.offers(for: $0, limit: 3) }).first(where: { !$0.isEmpty }) else { return nil }
        return offers[min(taste ?? traits.taste, offers.count - 1)].codes
    }
}

/// Which of the rush's mechanisms are on.
public struct RushMechanisms: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The block a person considers shows to others as being chosen, and people leave
    /// such seats alone.
    public var presence: Bool
    /// A click holds the nearest equivalent block when its seats were just taken.
    public var oneClick: Bool
    /// The showtime sells through its waiting room: people join, wait their turn (those
    /// who come before sales open are drawn into an order), and choose once admitted.
    public var room: Bool

    public init(presence: Bool, oneClick: Bool, room: Bool = false) {
        self.presence = presence
        self.oneClick = oneClick
        self.room = room
    }

    public static let none = RushMechanisms(presence: false, oneClick: false)
    public static let all = RushMechanisms(presence: true, oneClick: true)

    public var description: String {
        let names = [(presence, "presence"), (oneClick, "one click"), (room, "waiting room")].filter(\.0).map(\.1)
        return names.isEmpty ? "plain" : names.joined(separator: " + ")
    }
}

/// A small seeded generator (SplitMix64), so that a crowd can be drawn again the same.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return sqrt(-2 * log(u)) * cos(2 * .pi * v)
    }
}
