import CinebookModel
import CinebookSupport
import Foundation
import SeatLocking
import SeatRecords
import Synchronization

/// Counters every user adds to, read by the progress line and the operation limit.
final class RunCounters: Sendable {
    let operations = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
}

/// One simulated moviegoer: looks at the map now and then, picks a party's seats near a
/// preferred spot, locks them (or a suggested alternative), sometimes extends, and then
/// books or lets them go.
struct VirtualUser {
    let name: String
    let operations: any SeatOperations
    let pool: ShowtimePool
    let picker: PartyPicker
    let ledger: GrantLedger
    let counters: RunCounters
    let configuration: BenchConfiguration
    let operationLimit: Int?
    let latencies: SharedLatencies
    /// Audits and removes a showtime nobody plays any more.
    let finish: @Sendable (Int) async -> Void
    /// What happens when a performance opens, at its first visit: the house keeps seats back.
    let opening: @Sendable (Int) async -> Void
    private var random = SystemRandomNumberGenerator()
    private let clock = ContinuousClock()

    init(
        name: String, operations: any SeatOperations, pool: ShowtimePool, picker: PartyPicker, ledger: GrantLedger,
        counters: RunCounters, latencies: SharedLatencies, configuration: BenchConfiguration,
        finish: @escaping @Sendable (Int) async -> Void = { _ in }, opening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.latencies = latencies
        self.finish = finish
        self.opening = opening
        self.name = name
        self.operations = operations
        self.pool = pool
        self.picker = picker
        self.ledger = ledger
        self.counters = counters
        self.configuration = configuration
        if case let .operations(count) = configuration.limit { operationLimit = count } else { operationLimit = nil }
    }

    mutating func run() async {
        while !counters.stop.load(ordering: .relaxed) {
            await visit()
        }
    }

    /// One visit to the seat map, from picking to booking or leaving.
    private mutating func visit() async {
        let slot = Int.random(in: 0..<pool.slots, using: &random)
        let showtime = pool.enter(slot: slot)
        if pool.opens(showtime) { await opening(showtime) }
        await play(showtime, slot: slot)
        if let finished = pool.leave(showtime) { await finish(finished) }
    }

    private mutating func play(_ showtime: Int, slot: Int) async {
        if chance(configuration.togetherShare) { return await playTogether(showtime) }
        let name = self.name
        if chance(configuration.statusRate) {
            guard let status = await measure(.status, { try await $0.status(showtime: showtime, viewer: name) }) else { return }
            if status.seats(in: .available).count * 3 < status.seats.count { pool.advance(slot: slot, from: showtime) }
        }
        let wanted = picker.pick(count: configuration.fixedParty ?? picker.partySize(using: &random), using: &random)
        var grant = await measure(.lock, { try await $0.lock(wanted, showtime: showtime, user: name, ttl: nil) })
        if grant == nil, let alternative = lastSuggestion {
            grant = await measure(.lock, { try await $0.lock(alternative, showtime: showtime, user: name, ttl: nil) })
        } else if grant == nil, lastConflictHadNoSuggestion {
            pool.advance(slot: slot, from: showtime)
        }
        guard let held = grant else { return }
        ledger.held(held)
        let seats = held.seats.map(\.code)
        if chance(configuration.extendRate),
           let extended = await measure(.extend, { try await $0.extend(seats, showtime: showtime, user: name, ttl: nil) }) {
            ledger.held(extended)
        }
        if chance(configuration.bookRate) {
            if let booking = await measure(.book, { try await $0.book(seats, showtime: showtime, user: name) }) {
                ledger.booked(booking)
            } else if outcomeUnknown {
                ledger.maybeBooked(seats, showtime: showtime, user: name)
            }
        } else {
            let sent = Date()
            if let release = await measure(.unlock, { try await $0.unlock(seats, showtime: showtime, user: name) }) {
                ledger.released(release, user: name)
            } else if outcomeUnknown {
                // Redis may have run the unlock at any moment since it was sent (or will run it
                // once it answers again): the hold may have ended from then on.
                ledger.released(Release(showtimeID: showtime, released: seats, serverTime: sent), user: name)
            }
        }
    }

    /// A visit of three friends as one party: this user starts it, two friends join by its
    /// code, each locks part of the seats for the party, and one of them books all the
    /// party's seats, or each leaves, giving back their own.
    private mutating func playTogether(_ showtime: Int) async {
        let members = [name, "\(name)-friend-1", "\(name)-friend-2"]
        guard let party = try? await operations.startParty(showtime: showtime, user: members[0]) else { return }
        let code = party.code
        for friend in members.dropFirst() { _ = try? await operations.joinParty(code, showtime: showtime, user: friend) }
        let wanted = picker.pick(count: max(members.count, configuration.fixedParty ?? picker.partySize(using: &random)), using: &random)
        var seats: [SeatCode] = []
        for (index, member) in members.enumerated() {
            let share = wanted.enumerated().filter { $0.offset % members.count == index }.map(\.element)
            guard !share.isEmpty, let grant = await measure(.lock, {
                try await $0.lock(share, showtime: showtime, user: member, party: code, ttl: nil, orNearest: false, pass: nil)
            }) else { continue }
            ledger.held(grant)
            seats += grant.seats.map(\.code)
        }
        let booker = members[Int.random(in: 0..<members.count, using: &random)]
        if !seats.isEmpty, chance(configuration.bookRate) {
            if let booking = await measure(.book, { try await $0.book(seats, showtime: showtime, user: booker, party: code) }) {
                ledger.booked(booking)
            } else if outcomeUnknown {
                ledger.maybeBooked(seats, showtime: showtime, user: code.holder)
            }
        }
        for member in members {
            let sent = Date()
            if let departure = try? await operations.leaveParty(code, showtime: showtime, user: member) {
                ledger.released(Release(showtimeID: showtime, released: departure.released, serverTime: sent), user: code.holder)
            }
        }
    }

    private var lastSuggestion: [SeatCode]?
    private var lastConflictHadNoSuggestion = false
    /// The last operation failed without an answer (Redis unavailable): it may or may not
    /// have happened.
    private var outcomeUnknown = false

    /// Runs one operation, timing it and sorting its outcome; nil when it did not succeed.
    private mutating func measure<T>(_ operation: Operation, _ call: (any SeatOperations) async throws -> T) async -> T? {
        if let limit = operationLimit, counters.operations.add(1, ordering: .relaxed).newValue > limit {
            counters.stop.store(true, ordering: .relaxed)
            return nil
        } else if operationLimit == nil {
            counters.operations.add(1, ordering: .relaxed)
        }
        lastSuggestion = nil
        lastConflictHadNoSuggestion = false
        outcomeUnknown = false
        if configuration.thinkTime > .zero {
            let mean = configuration.thinkTime.seconds
            let pause = -mean * log(1 - Double.random(in: 0..<1, using: &random))
            try? await Task.sleep(for: .seconds(min(pause, mean * 10)))
        }
        let start = clock.now
        let result: Result<T, SeatLockingError>
        do {
            result = .success(try await call(operations))
        } catch let error as SeatLockingError {
            result = .failure(error)
        } catch {
            result = .failure(.internalError("\(error)"))
        }
        let elapsed = clock.now - start
        let failure: SeatLockingError? = if case let .failure(error) = result { error } else { nil }
        if latencies.update({ $0.record(operation, took: elapsed, failure: failure) }) {
            counters.errors.add(1, ordering: .relaxed)
        }
        switch result {
        case let .success(value):
            return value
        case let .failure(.seatsUnavailable(_, suggestions)):
            lastSuggestion = chance(0.5) ? suggestions.first : nil
            lastConflictHadNoSuggestion = suggestions.isEmpty
        case let .failure(error) where error.isOutage:
            outcomeUnknown = true
        case .failure:
            break
        }
        return nil
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }
}
