import CinebookModel
import Foundation
import PropertyBased
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

/// Random sequences of lock, unlock, extend, book and expiry by three users on six seats,
/// run against the real Redis and, step by step, against a small reference model. Any
/// difference in an answer or in the seat map fails, and the property checker shrinks
/// the sequence to the shortest it can find. `CINEBOOK_MODEL_SEQUENCES` sets how many
/// sequences to try (default 400).
@Suite("Model-based: the core behaves like the reference model")
struct ModelBasedTests {
    static let users = ["u0", "u1", "u2"]
    static let seats: [SeatCode] = ["A1", "A2", "A3", "A4", "A5", "A6"]
    static let limit = 3
    static let sequences = ProcessInfo.processInfo.environment["CINEBOOK_MODEL_SEQUENCES"].flatMap(Int.init) ?? 400

    @Test(arguments: RedisKind.allCases) func randomSequencesMatchTheModel(on kind: RedisKind) async throws {
        let redis = try await kind.client()
        defer { redis.close() }
        await propertyCheck(count: Self.sequences, input: Gen.int(in: 0...100_000).array(of: 1...30)) { codes in
            let steps = codes.map(Step.init)
            let showtime = try! TestShowtimes.grid(rows: 1, seats: Self.seats.count)
            let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]), policy: LockPolicy(maximumSeatsPerUser: Self.limit))
            var model = Model()
            for (index, step) in steps.enumerated() {
                let expected = model.apply(step)
                let actual = await Self.run(step, on: service, redis: redis, showtime: showtime.id)
                #expect(actual == expected, "step \(index + 1) of \(steps.map(\.description)): \(step)")
                guard actual == expected else { return }
                let viewer = Self.users[step.user]
                guard let status = try? await service.status(showtime: showtime.id, viewer: viewer) else {
                    Issue.record("status failed")
                    return
                }
                for seat in Self.seats {
                    let want = model.state(of: seat, viewer: viewer)
                    #expect(status.state(of: seat) == want, "after step \(index + 1) of \(steps.map(\.description)), \(seat) as seen by \(viewer)")
                    guard status.state(of: seat) == want else { return }
                }
            }
        }
    }

    /// One step, decoded from a number so that the checker can shrink it.
    struct Step: CustomStringConvertible {
        enum Kind: Int, CaseIterable { case lock, unlock, extend, book, expire }
        let kind: Kind
        let user: Int
        let seats: [SeatCode]

        init(_ code: Int) {
            kind = Kind(rawValue: code % Kind.allCases.count)!
            user = (code / Kind.allCases.count) % ModelBasedTests.users.count
            let mask = (code / (Kind.allCases.count * ModelBasedTests.users.count)) % 63 + 1
            seats = ModelBasedTests.seats.indices.filter { mask & (1 << $0) != 0 }.map { ModelBasedTests.seats[$0] }
        }

        var description: String {
            kind == .expire ? "expire(\(seats.joined(separator: ",")))" : "\(kind)(u\(user), \(seats.joined(separator: ",")))"
        }
    }

    /// What an operation answered, reduced to what the model can predict.
    enum Outcome: Equatable {
        case held(Set<SeatCode>)
        case released(Set<SeatCode>)
        case sold(Set<SeatCode>)
        case unavailable(Set<SeatCode>)
        case notOwner(Set<SeatCode>)
        case expired(Set<SeatCode>)
        case tooMany
        case done
        case failed(String)
    }

    struct Model {
        enum Seat: Equatable { case free, held(String), sold(String) }
        var seats: [SeatCode: Seat] = Dictionary(uniqueKeysWithValues: ModelBasedTests.seats.map { ($0, .free) })
        var bookings: [(user: String, seats: Set<SeatCode>)] = []

        func state(of seat: SeatCode, viewer: String) -> SeatState {
            switch seats[seat]! {
            case .free: .available
            case .sold: .occupied
            case let .held(user): user == viewer ? .selected : .locked
            }
        }

        mutating func apply(_ step: Step) -> Outcome {
            let user = ModelBasedTests.users[step.user]
            if step.kind != .expire, step.seats.count > ModelBasedTests.limit { return .tooMany }
            switch step.kind {
            case .lock:
                let unavailable = step.seats.filter { seat in
                    switch seats[seat]! {
                    case .free: false
                    case let .held(owner): owner != user
                    case .sold: true
                    }
                }
                if !unavailable.isEmpty { return .unavailable(Set(unavailable)) }
                let held = seats.values.filter { $0 == .held(user) }.count
                let added = step.seats.filter { seats[$0]! == .free }.count
                if held + added > ModelBasedTests.limit { return .tooMany }
                for seat in step.seats { seats[seat] = .held(user) }
                return .held(Set(step.seats))
            case .unlock:
                let released = step.seats.filter { seats[$0]! == .held(user) }
                for seat in released { seats[seat] = .free }
                return .released(Set(released))
            case .extend, .book:
                // Booking seats one has booked already answers with that booking.
                if step.kind == .book, let mine = bookings.first(where: { $0.user == user && Set(step.seats).isSubset(of: $0.seats) }) {
                    return .sold(mine.seats)
                }
                let notOwner = step.seats.filter { seat in
                    switch seats[seat]! {
                    case .free: false
                    case let .held(owner): owner != user
                    case .sold: step.kind == .book
                    }
                }
                if !notOwner.isEmpty { return .notOwner(Set(notOwner)) }
                let expired = step.seats.filter { seats[$0]! != .held(user) }
                if !expired.isEmpty { return .expired(Set(expired)) }
                if step.kind == .extend { return .held(Set(step.seats)) }
                for seat in step.seats { seats[seat] = .sold(user) }
                bookings.append((user, Set(step.seats)))
                return .sold(Set(step.seats))
            case .expire:
                for seat in step.seats { if case .held = seats[seat]! { seats[seat] = .free } }
                return .done
            }
        }
    }

    static func run(_ step: Step, on service: SeatLockingService, redis: RedisClient, showtime: Int) async -> Outcome {
        let user = users[step.user]
        do throws(SeatLockingError) {
            switch step.kind {
            case .lock: return .held(Set(try await service.lock(step.seats, showtime: showtime, user: user).seats.map(\.code)))
            case .unlock: return .released(Set(try await service.unlock(step.seats, showtime: showtime, user: user).released))
            case .extend: return .held(Set(try await service.extend(step.seats, showtime: showtime, user: user).seats.map(\.code)))
            case .book: return .sold(Set(try await service.book(step.seats, showtime: showtime, user: user).seats))
            case .expire:
                await expire(step.seats, redis: redis, showtime: showtime)
                return .done
            }
        } catch let .seatsUnavailable(seats, _) {
            return .unavailable(Set(seats))
        } catch let .notLockOwner(seats) {
            return .notOwner(Set(seats))
        } catch let .lockExpired(seats) {
            return .expired(Set(seats))
        } catch .tooManySeats {
            return .tooMany
        } catch {
            return .failed(error.message)
        }
    }

    /// Time passes for these seats' locks: every place that records their expiry (the
    /// key's TTL, the index, the holder's list) is moved into the past, as if their TTL
    /// had run out.
    static func expire(_ seats: [SeatCode], redis: RedisClient, showtime: Int) async {
        let keys = RedisKeyNames(showtime: showtime)
        for seat in seats.map(\.text) {
            let key = keys.lock(seat)
            guard let owner = try? await redis.send("HGET", key, "user_id", routingKey: key).string else { continue }
            _ = try? await redis.send("ZADD", keys.index, "XX", "1", seat, routingKey: key)
            _ = try? await redis.send("ZADD", keys.holds(owner), "XX", "1", seat, routingKey: key)
            _ = try? await redis.send("PEXPIREAT", key, "1", routingKey: key)
        }
    }
}
